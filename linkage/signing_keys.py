"""The signing identities' keys and certificates, on disk outside the database (``settings.LINKAGE_SIGNING_DIR``).

Layout (the directories 0700, the private keys 0600; nothing here is ever deleted)::

    <dir>/ca/key.pem, cert.pem                       the jurisdiction's self-made root (``init_ca``)
    <dir>/trust/<sha256>.pem                         further trust anchors (a real CA installed with ``install``)
    <dir>/identities/<code>/<serial>/key.pem, cert.pem[, chain.pem]
    <dir>/identities/<code>/current                  the serial signing uses now
    <dir>/identities/<code>/history                  every serial, in the order of issue

``<code>`` is the signing organisation's code (a court's or the committee's ``Organisation.code``). Issuing again
(``issue_identity``) or installing a deployment's real certificate (``install_identity``) adds a serial and moves
``current``; the old serials stay, so the record keeps every certificate a document was ever signed with, and old
documents still validate (validation trusts the roots, not a particular identity certificate).

This module knows names and codes only (the ``linkage`` app never reads ``members``): the ``signing_ca`` management
command looks the organisations up and passes their names in.
"""

import datetime
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from linkage.errors import ApplicationError

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$")
CA_YEARS = 20
IDENTITY_YEARS = 5


class SigningIdentityMissing(ApplicationError):
    """No key and certificate for this signer: a deployment step is missing, not the caller's fault."""

    status_code = 503


@dataclass(frozen=True)
class Identity:
    """One certificate of a signing identity, as stored."""

    code: str
    serial: str
    directory: Path
    certificate: x509.Certificate
    current: bool

    @property
    def key_path(self):
        return self.directory / "key.pem"

    @property
    def cert_path(self):
        return self.directory / "cert.pem"

    @property
    def chain_paths(self):
        """The certificates between the identity and its root, embedded in each signature (the root included)."""
        chain = self.directory / "chain.pem"
        extra = [chain] if chain.exists() else []
        own_ca = signing_dir() / "ca" / "cert.pem"
        return [*extra, *([own_ca] if own_ca.exists() else [])]

    @property
    def subject_name(self):
        return subject_name(self.certificate)


def signing_dir() -> Path:
    return Path(settings.LINKAGE_SIGNING_DIR)


def subject_name(certificate):
    """The organisation a certificate names (its O, else its CN)."""
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        values = certificate.subject.get_attributes_for_oid(oid)
        if values:
            return values[0].value
    return certificate.subject.rfc4514_string()


def _private_dir(path):
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)  # mkdir's mode is cut by the umask, and an existing directory keeps its own
    return path


def _write(path, data, *, mode):
    """Write a new file with ``mode`` from its first byte (a key is never readable by others, even briefly)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


def _check_code(code):
    if not CODE_PATTERN.match(code or ""):
        raise ApplicationError(f"签章单位代码“{code}”无效：只能由字母、数字、连字符和下划线组成。", field="signer")


def _new_key(algorithm):
    if algorithm == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    if algorithm == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ApplicationError(f"不支持的密钥算法“{algorithm}”：可选 ec（P-256）或 rsa（3072 位）。", field="algorithm")


def _key_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _cert_pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def _serial(certificate):
    return format(certificate.serial_number, "x")


def ca_certificate():
    """The self-made root's certificate, or None before ``init_ca``."""
    path = signing_dir() / "ca" / "cert.pem"
    return x509.load_pem_x509_certificate(path.read_bytes()) if path.exists() else None


def trust_roots():
    """Every certificate a signature may chain to: the self-made root and any installed anchors."""
    roots = []
    candidates = [signing_dir() / "ca" / "cert.pem", *sorted((signing_dir() / "trust").glob("*.pem"))]
    for path in candidates:
        if path.exists():
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
    return roots


def init_ca(*, common_name, algorithm="ec"):
    """Create the jurisdiction's root CA; returns (certificate, created). An existing CA is kept as it is (every
    certificate issued under it, and every document signed, depends on it)."""
    existing = ca_certificate()
    if existing is not None:
        return existing, False
    directory = _private_dir(_private_dir(signing_dir()) / "ca")
    key = _new_key(algorithm)
    name = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(directory / "key.pem", _key_pem(key), mode=0o600)
    _write(directory / "cert.pem", _cert_pem(certificate), mode=0o644)
    return certificate, True


def _key_usage(*, ca):
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def issue_identity(code, *, organisation_name, algorithm="ec"):
    """Make a new key and certificate for ``code`` under the self-made CA and make it current (a rotation when
    one exists: the old one is kept). Returns the new Identity."""
    _check_code(code)
    ca_dir = signing_dir() / "ca"
    if ca_certificate() is None:
        raise ApplicationError("尚未创建电子签章根证书：请先运行 python manage.py signing_ca init。")
    ca_cert = ca_certificate()
    ca_key = serialization.load_pem_private_key((ca_dir / "key.pem").read_bytes(), password=None)
    key = _new_key(algorithm)
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation_name}电子签章"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(min(now + datetime.timedelta(days=365 * IDENTITY_YEARS), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return _store(code, key_pem=_key_pem(key), certificate=certificate)


def install_identity(code, *, key_pem, cert_pem, chain_pem=b""):
    """Install a deployment's real certificate for ``code`` (issued by its CA) and make it current. The key must
    match the certificate; self-signed certificates in ``chain_pem`` become trust anchors, the others are embedded
    in each signature. Returns the new Identity."""
    _check_code(code)
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
        certificate = x509.load_pem_x509_certificate(cert_pem)
        chain = x509.load_pem_x509_certificates(chain_pem) if chain_pem.strip() else []
    except (ValueError, TypeError) as error:
        raise ApplicationError(f"无法读取密钥或证书（须为未加密的 PEM 文件）：{error}") from error
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.PEM, public) != certificate.public_key().public_bytes(
        serialization.Encoding.PEM, public
    ):
        raise ApplicationError("私钥与证书不匹配，未安装。")
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not usage.content_commitment:
        # PDF readers and pyHanko require non-repudiation on a document-signing certificate.
        raise ApplicationError("该证书的密钥用途不含“不可否认”（nonRepudiation），不能用于文书签章，未安装。")
    anchors = [cert for cert in chain if cert.subject == cert.issuer]
    intermediates = [cert for cert in chain if cert.subject != cert.issuer]
    for anchor in anchors:
        trust = _private_dir(_private_dir(signing_dir()) / "trust")
        path = trust / f"{hashlib.sha256(_cert_pem(anchor)).hexdigest()[:16]}.pem"
        if not path.exists():
            _write(path, _cert_pem(anchor), mode=0o644)
    chain_bytes = b"".join(_cert_pem(cert) for cert in intermediates + anchors)
    return _store(code, key_pem=_key_pem(key), certificate=certificate, chain_pem=chain_bytes)


def _store(code, *, key_pem, certificate, chain_pem=b""):
    base = _private_dir(_private_dir(_private_dir(signing_dir()) / "identities") / code)
    serial = _serial(certificate)
    directory = base / serial
    if directory.exists():
        raise ApplicationError(f"证书（序列号 {serial}）已安装在“{code}”下，未作修改。")
    _private_dir(directory)
    _write(directory / "key.pem", key_pem, mode=0o600)
    _write(directory / "cert.pem", _cert_pem(certificate), mode=0o644)
    if chain_pem:
        _write(directory / "chain.pem", chain_pem, mode=0o644)
    with open(base / "history", "a", encoding="ascii") as history:  # the order of issue, for the record
        history.write(serial + "\n")
    pointer = base / "current.tmp"
    pointer.write_text(serial + "\n", encoding="ascii")
    os.replace(pointer, base / "current")  # signing never sees a half-written pointer
    return _identity(code, serial, current=True)


def _identity(code, serial, *, current):
    directory = signing_dir() / "identities" / code / serial
    certificate = x509.load_pem_x509_certificate((directory / "cert.pem").read_bytes())
    return Identity(code=code, serial=serial, directory=directory, certificate=certificate, current=current)


def current_identity(code) -> Identity:
    """The identity signing uses now for ``code``; raises SigningIdentityMissing when none is installed."""
    _check_code(code)
    pointer = signing_dir() / "identities" / code / "current"
    if not pointer.exists():
        raise SigningIdentityMissing(
            f"尚未为“{code}”配置电子签章证书：请管理员运行 python manage.py signing_ca issue {code}"
            f"（或用 signing_ca install 安装正式证书）。"
        )
    return _identity(code, pointer.read_text(encoding="ascii").strip(), current=True)


def has_identity(code) -> bool:
    return (signing_dir() / "identities" / code / "current").exists()


def serials_of(code) -> set[str]:
    """The serials (hex) of every certificate ever stored for ``code``, current or rotated out: a signature made
    with any of them is the organisation's own."""
    if not CODE_PATTERN.match(code or ""):
        return set()
    base = signing_dir() / "identities" / code
    return {path.name for path in base.iterdir() if (path / "cert.pem").exists()} if base.exists() else set()


def list_identities():
    """Every stored certificate of every identity, by code, oldest first within a code."""
    base = signing_dir() / "identities"
    found = []
    for code_dir in sorted(path for path in base.glob("*") if path.is_dir()) if base.exists() else []:
        pointer = code_dir / "current"
        current = pointer.read_text(encoding="ascii").strip() if pointer.exists() else ""
        history = code_dir / "history"
        order = history.read_text(encoding="ascii").split() if history.exists() else []
        serials = [path.name for path in code_dir.iterdir() if (path / "cert.pem").exists()]
        identities = [_identity(code_dir.name, serial, current=serial == current) for serial in serials]
        # In the order of issue (two certificates of the same second share their not-before).
        found.extend(
            sorted(
                identities,
                key=lambda identity: (
                    order.index(identity.serial) if identity.serial in order else len(order),
                    identity.certificate.not_valid_before_utc,
                ),
            )
        )
    return found
