"""PAdES signatures (linkage/signing.py, linkage/signing_keys.py, manage.py signing_ca): a real notice rendered by
WeasyPrint, signed, and checked with pyHanko's validator against the jurisdiction's CA; tampering, later changes,
rotation, a foreign CA, an installed real certificate, the visible field's place and the key files' permissions."""

import datetime
import io
import stat
from io import StringIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from linkage import pdf_process, signing, signing_keys
from linkage.errors import ApplicationError
from linkage.pdf import _base_url, render_pdf
from tests.factories import CourtFactory, JurisdictionFactory, OrganisationFactory

COURT = "lw-court"
COURT_NAME = "广州市荔湾区人民法院"

NOTICE_CONTEXT = {
    "court_name": COURT_NAME,
    "title": "协助执行通知书",
    "case_number": "（2026）粤0103执123号",
    "unit_name": "中国工商银行股份有限公司广州荔湾支行",
    "applicants": "张三",
    "debtors": "李四",
    "ruling_number": "（2026）粤0103执123号之一",
    "legal_basis": "《中华人民共和国民事诉讼法》第二百四十九条",
    "items": [{"number": "一", "text": "冻结被执行人李四在你行的存款人民币壹拾万元整，冻结期限一年。"}],
    "attachment": "执行裁定书一份",
    "date": "二〇二六年十二月四日",
    "blank_date": "年　月　日",
    "officer_name": "王五",
    "officer_phone": "020-81234567",
    "notice_id": "N-1",
    "measure_name": "冻结存款",
    "debtor_name": "李四",
    "electronic_seal": True,
}


def _make_store(directory, *, ca_name="荔湾区执行联动电子签章根证书", identities=((COURT, COURT_NAME),)):
    with override_settings(LINKAGE_SIGNING_DIR=directory):
        signing_keys.init_ca(common_name=ca_name)
        for code, name in identities:
            signing_keys.issue_identity(code, organisation_name=name)
    return directory


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """One CA and the court's identity for the module (EC P-256: milliseconds; the rendering dominates)."""
    return _make_store(tmp_path_factory.mktemp("signing") / "signing")


@pytest.fixture(scope="module")
def notice_pdf():
    return render_pdf("pdf/notice.html", NOTICE_CONTEXT)


@pytest.fixture(scope="module")
def signed_notice(store, notice_pdf):
    with override_settings(LINKAGE_SIGNING_DIR=store):
        return signing.sign_pdf(notice_pdf, signer=COURT, reason="签发协助执行通知书", location="广州市荔湾区")


@pytest.fixture
def in_store(store, settings):
    settings.LINKAGE_SIGNING_DIR = store
    return store


def _plain_pdf(text="没有印章标记的文书"):
    return pdf_process.lay_out(f"<p style='font-family: Noto Serif CJK SC'>{text}</p>", base_url=_base_url())


# --- signing and validating ---------------------------------------------------------------------------------------


def test_signed_notice_is_valid_intact_and_trusted_against_the_jurisdiction_ca(in_store, notice_pdf, signed_notice):
    assert signed_notice.startswith(notice_pdf), "an incremental update: the issued bytes come first, unchanged"
    check = signing.validate_pdf(signed_notice)
    assert check.ok and check.signed and not check.error
    [signature] = check.signatures
    assert (signature.intact, signature.valid, signature.trusted, signature.modified) == (True, True, True, False)
    assert signature.signer_name == COURT_NAME
    assert signature.certificate_serial == signing_keys.current_identity(COURT).serial
    assert abs(signature.signing_time - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)


def test_signature_is_pades_with_reason_and_location(in_store, signed_notice):
    [embedded] = PdfFileReader(io.BytesIO(signed_notice)).embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.sig_object["/Reason"] == "签发协助执行通知书"
    assert embedded.sig_object["/Location"] == "广州市荔湾区"
    assert embedded.md_algorithm == "sha256"


def test_one_byte_changed_inside_the_signed_range_breaks_the_signature(in_store, notice_pdf, signed_notice):
    position = signed_notice.index(b"stream\n", 200) + 40
    assert position < len(notice_pdf)
    tampered = bytearray(signed_notice)
    tampered[position] ^= 0x01
    check = signing.validate_pdf(bytes(tampered))
    assert not check.ok
    [signature] = check.signatures
    assert not signature.intact


def test_a_corrupted_signature_value_is_reported_not_raised(in_store, signed_notice):
    start = signed_notice.rindex(b"/Contents <") + len(b"/Contents <")
    tampered = bytearray(signed_notice)
    tampered[start] = ord("f") if tampered[start] != ord("f") else ord("e")
    check = signing.validate_pdf(bytes(tampered))
    assert not check.ok and check.error.startswith("文件中的电子签名数据已损坏")


def test_page_content_appended_after_signing_is_flagged(in_store, signed_notice):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_notice))
    overlay = writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 100 100 200 50 re f"))
    writer.add_stream_to_page(0, overlay)
    out = io.BytesIO()
    writer.write(out)
    check = signing.validate_pdf(out.getvalue())
    [signature] = check.signatures
    assert signature.intact and signature.valid, "the signed revision itself is untouched"
    assert signature.modified and not signature.ok and not check.ok


def test_a_re_rendered_document_carries_no_signature(in_store):
    check = signing.validate_pdf(render_pdf("pdf/notice.html", {**NOTICE_CONTEXT, "debtors": "李四、赵六"}))
    assert not check.signed and not check.ok


def test_not_a_pdf_is_reported_not_raised(in_store):
    check = signing.validate_pdf(b"%PDF-1.7 this is not really a PDF")
    assert not check.ok and not check.signed and check.error.startswith("无法读取该PDF文件")
    assert not signing.validate_pdf(b"").ok


# --- the visible field --------------------------------------------------------------------------------------------


def test_visible_field_covers_the_notices_seal_on_the_first_page_not_the_receipt(in_store, notice_pdf, signed_notice):
    original = PdfFileReader(io.BytesIO(notice_pdf))
    page_index, box = signing.seal_area(original)
    assert page_index == 0, "the seal mark is on the notice's page; the receipt (last page) has its own seal"
    assert int(original.root["/Pages"]["/Count"]) == 2

    reader = PdfFileReader(io.BytesIO(signed_notice))
    [embedded] = reader.embedded_signatures
    widget = embedded.sig_field
    rect = [float(value) for value in widget["/Rect"]]
    assert rect == pytest.approx(list(box), abs=0.01)
    assert rect[2] - rect[0] == pytest.approx(signing.SEAL_SIZE, abs=0.01)
    assert widget.raw_get("/P").idnum == reader.find_page_for_modification(0)[0].idnum
    assert "/AP" in widget and widget["/AP"]["/N"]["/BBox"] is not None
    page_width = float(reader.find_page_for_modification(0)[0].get_object()["/MediaBox"][2])
    assert page_width / 2 < rect[0] < rect[2] < page_width, "the seal sits in the right half of the page"
    page = reader.find_page_for_modification(0)[0].get_object()
    assert any(annot.get_object().get("/FT") == "/Sig" for annot in page["/Annots"])


def test_in_a_gbt9704_document_the_field_covers_the_issuer_and_the_date(in_store):
    context = {
        "issuer": COURT_NAME, "banner": COURT_NAME, "banner_size": 30, "document_number": "荔法〔2026〕12号",
        "title_lines": ["关于加强协助执行工作的司法建议书"], "date": "2026年12月4日",
        "addressees": "广州市荔湾区住房和城乡建设局", "printed_by": "广州市荔湾区人民法院办公室", "printed_on": "2026年12月4日",
    }  # fmt: skip
    signed = signing.sign_pdf(render_pdf("pdf/official_document.html", context), signer=COURT)
    reader = PdfFileReader(io.BytesIO(signed))
    [embedded] = reader.embedded_signatures
    x1, y1, x2, y2 = (float(value) for value in embedded.sig_field["/Rect"])
    # The issuer and the date are right-aligned 4 em (64 pt) inside the 26 mm right margin of the A4 page.
    date_right = 595.28 - 26 * signing.MM - 64
    assert x1 < date_right - 50 and x2 > date_right - 40, "the seal's square spans the date's right part"
    assert signing.validate_pdf(signed).ok


def test_without_a_seal_mark_the_field_goes_to_the_lower_right_of_the_last_page(in_store):
    signed = signing.sign_pdf(_plain_pdf(), signer=COURT)
    [embedded] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    x1, y1, x2, y2 = (float(value) for value in embedded.sig_field["/Rect"])
    assert (x2 - x1, y2 - y1) == pytest.approx((signing.SEAL_SIZE, signing.SEAL_SIZE), abs=0.01)
    assert x2 == pytest.approx(595.28 - signing.DEFAULT_RIGHT, abs=1) and y1 == pytest.approx(signing.DEFAULT_BOTTOM)
    assert signing.validate_pdf(signed).ok


def test_an_explicit_box_and_page_are_used_as_given(in_store, notice_pdf):
    signed = signing.sign_pdf(notice_pdf, signer=COURT, box=(60, 80, 160, 130), page=1)
    reader = PdfFileReader(io.BytesIO(signed))
    [embedded] = reader.embedded_signatures
    assert [float(value) for value in embedded.sig_field["/Rect"]] == [60, 80, 160, 130]
    assert embedded.sig_field.raw_get("/P").idnum == reader.find_page_for_modification(1)[0].idnum
    assert signing.validate_pdf(signed).ok


def test_a_second_signature_keeps_the_first_valid(in_store, signed_notice):
    twice = signing.sign_pdf(signed_notice, signer=COURT, box=(60, 80, 160, 130), page=0)
    check = signing.validate_pdf(twice)
    assert [signature.field_name for signature in check.signatures] == ["Signature1", "Signature2"]
    assert check.ok


# --- keys: missing, rotation, foreign CA, installed certificates, permissions ---------------------------------------


def test_a_signer_without_a_key_is_refused_with_the_command_to_run(in_store, notice_pdf):
    with pytest.raises(signing.SigningIdentityMissing) as raised:
        signing.sign_pdf(notice_pdf, signer="lw-committee")
    assert "signing_ca issue lw-committee" in raised.value.message and raised.value.status_code == 503
    with pytest.raises(ApplicationError, match="代码"):
        signing.sign_pdf(notice_pdf, signer="../ca")


def test_rotation_signs_new_documents_with_the_new_certificate_and_old_ones_still_validate(tmp_path, settings):
    settings.LINKAGE_SIGNING_DIR = _make_store(tmp_path / "signing")
    first = signing_keys.current_identity(COURT)
    old_document = signing.sign_pdf(_plain_pdf("旧文书"), signer=COURT)

    second = signing_keys.issue_identity(COURT, organisation_name=COURT_NAME)
    assert second.serial != first.serial and signing_keys.current_identity(COURT).serial == second.serial
    new_document = signing.sign_pdf(_plain_pdf("新文书"), signer=COURT)

    [old_signature] = signing.validate_pdf(old_document).signatures
    [new_signature] = signing.validate_pdf(new_document).signatures
    assert old_signature.ok and old_signature.certificate_serial == first.serial
    assert new_signature.ok and new_signature.certificate_serial == second.serial
    stored = [(identity.serial, identity.current) for identity in signing_keys.list_identities()]
    assert stored == [(first.serial, False), (second.serial, True)], "the old certificate is kept for the record"
    assert (first.directory / "key.pem").exists()


def test_a_certificate_from_another_ca_is_not_trusted(tmp_path, settings, store, notice_pdf):
    settings.LINKAGE_SIGNING_DIR = _make_store(tmp_path / "other", ca_name="别处执行联动电子签章根证书")
    foreign = signing.sign_pdf(notice_pdf, signer=COURT)
    assert signing.validate_pdf(foreign).ok, "valid where its own CA is trusted"
    settings.LINKAGE_SIGNING_DIR = store
    [signature] = signing.validate_pdf(foreign).signatures
    assert signature.intact and signature.valid and not signature.trusted and not signature.ok


def test_keys_are_readable_by_the_app_only(store):
    identity_dir = next(path for path in (store / "identities" / COURT).iterdir() if path.is_dir())
    for key in (store / "ca" / "key.pem", identity_dir / "key.pem"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    for directory in (store, store / "ca", store / "identities", store / "identities" / COURT, identity_dir):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_init_ca_keeps_an_existing_ca(in_store):
    before = signing_keys.ca_certificate()
    certificate, created = signing_keys.init_ca(common_name="另一个根证书")
    assert not created and certificate == before


def _external_ca_and_leaf(name, *, non_repudiation=True):
    """A deployment's real certificate: a root CA not made by this app, and a leaf issued to the court."""
    now = datetime.datetime.now(datetime.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "某省电子认证服务中心根证书")])
    root = (
        x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name).public_key(root_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(root_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name)]))
        .issuer_name(root_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=non_repudiation, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(root_key, hashes.SHA256())
    )  # fmt: skip
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return key_pem, leaf.public_bytes(pem), root.public_bytes(pem)


def test_an_installed_real_certificate_signs_and_its_root_is_trusted(tmp_path, settings):
    settings.LINKAGE_SIGNING_DIR = _make_store(tmp_path / "signing")
    key_pem, cert_pem, root_pem = _external_ca_and_leaf(COURT_NAME)
    with pytest.raises(ApplicationError, match="不匹配"):
        signing_keys.install_identity(COURT, key_pem=_external_ca_and_leaf(COURT_NAME)[0], cert_pem=cert_pem)
    identity = signing_keys.install_identity(COURT, key_pem=key_pem, cert_pem=cert_pem, chain_pem=root_pem)
    assert signing_keys.current_identity(COURT).serial == identity.serial
    [signature] = signing.validate_pdf(signing.sign_pdf(_plain_pdf(), signer=COURT)).signatures
    assert signature.ok and signature.certificate_serial == identity.serial
    assert stat.S_IMODE((identity.directory / "key.pem").stat().st_mode) == 0o600
    encryption_only = _external_ca_and_leaf(COURT_NAME, non_repudiation=False)
    with pytest.raises(ApplicationError, match="不可否认"):
        signing_keys.install_identity(COURT, key_pem=encryption_only[0], cert_pem=encryption_only[1])
    with pytest.raises(ApplicationError, match="已安装"):
        signing_keys.install_identity(COURT, key_pem=key_pem, cert_pem=cert_pem)


# --- manage.py signing_ca -----------------------------------------------------------------------------------------


def _call(*args):
    out = StringIO()
    call_command("signing_ca", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_signing_ca_command_init_issue_list_ensure(tmp_path, settings):
    settings.LINKAGE_SIGNING_DIR = tmp_path / "signing"
    JurisdictionFactory(code="test", name="测试辖区")
    court = CourtFactory(code="t-court", name="测试区人民法院")
    OrganisationFactory(code="t-committee", name="中共测试区委政法委员会", kind="committee")
    OrganisationFactory(code="t-police", name="测试区公安分局", kind="police")

    with pytest.raises(CommandError, match="signing_ca init"):
        _call("issue", court.code)
    assert "已创建电子签章根证书" in _call("init")
    assert signing_keys.ca_certificate().subject.rfc4514_string() == "CN=测试辖区执行联动电子签章根证书,C=CN"
    assert "未作修改" in _call("init")

    assert "已签发“测试区人民法院”" in _call("issue", court.code)
    assert "已轮换" in _call("issue", court.code)
    with pytest.raises(CommandError, match="不存在"):
        _call("issue", "nobody")

    output = _call("ensure")
    assert "中共测试区委政法委员会" in output and "测试区人民法院" not in output, "only the missing one is issued"
    assert not signing_keys.has_identity("t-police"), "units other than courts and committees do not sign"
    assert "未作修改" in _call("ensure")

    listing = _call("list")
    assert listing.count("t-court\t") == 2 and "已轮换" in listing and "当前" in listing
    assert "t-committee\t" in listing


@pytest.mark.django_db
def test_signing_ca_install_command(tmp_path, settings):
    settings.LINKAGE_SIGNING_DIR = tmp_path / "signing"
    court = CourtFactory(code="t-court", name=COURT_NAME)
    key_pem, cert_pem, root_pem = _external_ca_and_leaf(COURT_NAME)
    for name, data in (("k.pem", key_pem), ("c.pem", cert_pem), ("root.pem", root_pem)):
        (tmp_path / name).write_bytes(data)
    output = _call("install", court.code, "--key", str(tmp_path / "k.pem"), "--cert", str(tmp_path / "c.pem"),
                   "--chain", str(tmp_path / "root.pem"))  # fmt: skip
    assert "已为“广州市荔湾区人民法院”安装证书" in output
    assert signing.validate_pdf(signing.sign_pdf(_plain_pdf(), signer=court.code)).ok
    with pytest.raises(CommandError, match="无法读取文件"):
        _call("install", court.code, "--key", str(tmp_path / "missing.pem"), "--cert", str(tmp_path / "c.pem"))
