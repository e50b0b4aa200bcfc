"""``python manage.py signing_ca``: the jurisdiction's signing CA and the courts' and committee's signing identities
(keys and certificates in LINKAGE_SIGNING_DIR; linkage/signing_keys.py). It lives in ``members`` because it looks the
organisations up; the key store itself (``linkage``) knows codes and names only.

    signing_ca init [--jurisdiction CODE] [--name 名称] [--algorithm ec|rsa]
    signing_ca issue <org code> [--algorithm ec|rsa]     new key + certificate (a rotation when one exists)
    signing_ca install <org code> --key k.pem --cert c.pem [--chain ca.pem]
    signing_ca list
    signing_ca ensure                                     the CA and one identity per court and committee, if missing
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linkage import signing_keys
from linkage.errors import ApplicationError
from members.models import Jurisdiction, Organisation, OrganisationKind

SIGNING_KINDS = (OrganisationKind.COURT, OrganisationKind.COMMITTEE)


class Command(BaseCommand):
    help = (
        "电子签章（PAdES）证书管理 / Signing CA and identities: init 创建辖区自建根证书；issue 为单位签发（或轮换）签章证书；"
        "install 安装单位的正式证书；list 列出签章单位和证书序列号；ensure 补齐根证书和各法院、政法委的签章证书（可重复执行）。"
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        init = actions.add_parser("init", help="创建辖区自建根证书（已存在则不作修改）")
        init.add_argument("--jurisdiction", help="辖区代码（只有一个运行中的辖区时可省略）")
        init.add_argument("--name", help="根证书名称，默认“<辖区名>执行联动电子签章根证书”")
        init.add_argument("--algorithm", choices=["ec", "rsa"], default="ec", help="ec：P-256（默认）；rsa：3072 位")
        issue = actions.add_parser("issue", help="为单位签发新的签章密钥和证书（已有则轮换，旧证书保留）")
        issue.add_argument("code", help="单位代码（Organisation.code）")
        issue.add_argument("--algorithm", choices=["ec", "rsa"], default="ec")
        install = actions.add_parser("install", help="安装单位的正式证书（CA 签发）并设为当前证书")
        install.add_argument("code", help="单位代码（Organisation.code）")
        install.add_argument("--key", required=True, help="私钥 PEM 文件（未加密）")
        install.add_argument("--cert", required=True, help="证书 PEM 文件")
        install.add_argument("--chain", help="证书链 PEM 文件（中间证书和根证书；自签名的根证书将被信任）")
        actions.add_parser("list", help="列出签章单位和证书")
        actions.add_parser("ensure", help="补齐根证书和各法院、政法委的签章证书（演示和首次部署用）")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ApplicationError as error:
            raise CommandError(error.message) from error

    def _init(self, *, jurisdiction=None, name=None, algorithm="ec", **options):
        certificate, created = signing_keys.init_ca(common_name=name or _ca_name(jurisdiction), algorithm=algorithm)
        subject = certificate.subject.rfc4514_string()
        if created:
            self.stdout.write(self.style.SUCCESS(f"已创建电子签章根证书：{subject}（{signing_keys.signing_dir()}）"))
        else:
            self.stdout.write(f"电子签章根证书已存在，未作修改：{subject}")

    def _issue(self, *, code, algorithm="ec", **options):
        organisation = _organisation(code)
        rotated = signing_keys.has_identity(code)
        identity = signing_keys.issue_identity(code, organisation_name=organisation.name, algorithm=algorithm)
        verb = "已轮换" if rotated else "已签发"
        self.stdout.write(
            self.style.SUCCESS(f"{verb}“{organisation.name}”的签章证书，序列号 {identity.serial}（当前）。")
        )

    def _install(self, *, code, key, cert, chain=None, **options):
        organisation = _organisation(code)
        try:
            key_pem, cert_pem = Path(key).read_bytes(), Path(cert).read_bytes()
            chain_pem = Path(chain).read_bytes() if chain else b""
        except OSError as error:
            raise CommandError(f"无法读取文件：{error}") from error
        identity = signing_keys.install_identity(code, key_pem=key_pem, cert_pem=cert_pem, chain_pem=chain_pem)
        self.stdout.write(
            self.style.SUCCESS(
                f"已为“{organisation.name}”安装证书 {identity.certificate.subject.rfc4514_string()}，序列号 {identity.serial}（当前）。"
            )
        )
        if not chain and signing_keys.ca_certificate() is None:
            self.stdout.write(
                self.style.WARNING("未提供证书链，且没有自建根证书：验证时该证书不会被信任，请用 --chain 提供根证书。")
            )

    def _list(self, **options):
        ca = signing_keys.ca_certificate()
        self.stdout.write(f"签章目录：{signing_keys.signing_dir()}")
        self.stdout.write(f"根证书：{ca.subject.rfc4514_string() if ca else '（未创建，运行 signing_ca init）'}")
        identities = signing_keys.list_identities()
        if not identities:
            self.stdout.write("尚无签章单位。")
        for identity in identities:
            cert = identity.certificate
            mark = "当前" if identity.current else "已轮换"
            self.stdout.write(
                f"{identity.code}\t{identity.serial}\t{mark}\t{identity.subject_name}\t"
                f"{cert.not_valid_before_utc:%Y-%m-%d} 至 {cert.not_valid_after_utc:%Y-%m-%d}"
            )

    def _ensure(self, **options):
        if signing_keys.ca_certificate() is None:
            jurisdictions = Jurisdiction.objects.filter(is_reference=False)
            if not jurisdictions.exists():
                self.stdout.write("尚无辖区，未创建签章证书（先运行 load_jurisdiction）。")
                return
            self._init(jurisdiction=jurisdictions.first().code if jurisdictions.count() == 1 else None)
        signers = Organisation.objects.filter(
            kind__in=SIGNING_KINDS, active=True, jurisdiction__is_reference=False
        ).order_by("code")
        issued = 0
        for organisation in signers:
            if not signing_keys.has_identity(organisation.code):
                self._issue(code=organisation.code)
                issued += 1
        if not issued:
            self.stdout.write("各法院和政法委均已有签章证书，未作修改。")


def _ca_name(code):
    jurisdictions = Jurisdiction.objects.filter(is_reference=False)
    if code:
        jurisdiction = jurisdictions.filter(code=code).first()
        if jurisdiction is None:
            raise CommandError(f"辖区“{code}”不存在。")
    elif jurisdictions.count() == 1:
        jurisdiction = jurisdictions.get()
    else:
        raise CommandError("有多个（或没有）运行中的辖区：请用 --jurisdiction 指定，或用 --name 给出根证书名称。")
    return f"{jurisdiction.name}执行联动电子签章根证书"


def _organisation(code):
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise CommandError(f"单位代码“{code}”不存在。")
    return organisation
