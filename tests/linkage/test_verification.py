"""The issued-documents service (issue 24, linkage.verification): codes, issuing, statuses, look-ups, and the public
check page and API on a document issued directly (the notices' own flow: tests/assistance/test_notice_verification.py)."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse

from linkage import signing, verification
from linkage.errors import ApplicationError
from linkage.models import AuditEntry, CalendarYear
from linkage.verification_models import IssuedDocument, IssuedDocumentKind, IssuedDocumentStatus
from tests.conftest import clear_own_cache

pytestmark = pytest.mark.django_db
KIND = IssuedDocumentKind.ASSISTANCE_NOTICE


@pytest.fixture(autouse=True)
def fresh_windows():
    clear_own_cache()
    yield
    clear_own_cache()


@pytest.fixture
def source():
    return CalendarYear.objects.create(year=2031, source="测试")  # any row stands for a document's source


def fake_pdf(extra):
    """A real (small) PDF printing the code: issuing signs it, and a signature needs a PDF to go into."""
    from weasyprint import HTML

    code, url = extra["verification"]["code"], extra["verification"]["url"]
    return HTML(string=f"<p>{code} {url}</p><div id='seal'>院印</div>").write_pdf()


def issue(source, **overrides):
    arguments = {
        "number": "（2026）粤0103执1001号",
        "issuer_code": "court-0103",
        "issuer_name": "广州市荔湾区人民法院",
        "addressee": "中国工商银行广州荔湾支行",
        "issued_on": datetime.date(2026, 10, 9),
        "render": fake_pdf,
    }
    return verification.issue(KIND, source, **{**arguments, **overrides})


# -------------------------------------------------------------------------------------------------------- codes


def test_codes_are_twelve_characters_of_the_unambiguous_alphabet():
    codes = {verification.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 12 and set(code) <= set(verification.ALPHABET)
    assert not set("0O1ILU") & set(verification.ALPHABET)
    assert len(verification.ALPHABET) == 30
    assert verification.group_code("7KQ4M9XD2PWR") == "7KQ4-M9XD-2PWR"


@pytest.mark.parametrize(
    "typed", ["7kq4-m9xd-2pwr", " 7KQ4 M9XD 2PWR ", "７ＫＱ４－Ｍ９ＸＤ－２ＰＷＲ", "7KQ4M9XD2PWR"]
)
def test_normalisation_folds_case_width_spaces_and_dashes(typed):
    assert verification.normalise_code(typed) == "7KQ4M9XD2PWR"
    assert verification.candidate_codes(typed) == ["7KQ4M9XD2PWR"]


def test_look_alikes_are_read_as_the_printed_characters_they_may_stand_for():
    assert set(verification.candidate_codes("7KQ4-M9X0-2PWR")) == {"7KQ4M9XD2PWR", "7KQ4M9XQ2PWR"}
    assert set(verification.candidate_codes("UKQ4-M9XD-2PWR")) == {"VKQ4M9XD2PWR"}
    assert len(verification.candidate_codes("1KQ4-M9XD-2PWR")) == 3
    assert verification.candidate_codes("0000-M9XD-2PWR") == []  # past MAX_LOOKALIKES: no guessing
    assert verification.candidate_codes("7KQ4-M9XD-2PW") == []  # too short
    assert verification.candidate_codes("7KQ4-M9XD-2PW#R") == ["7KQ4M9XD2PWR"]  # punctuation is a separator
    assert verification.candidate_codes("7KQ4-M9XD-2PWÉ") == []


def test_lookup_resolves_a_misread_look_alike(source):
    document = issue(source)
    IssuedDocument.objects.filter(pk=document.pk).update(code="7KQ4M9XD2PWV")
    for typed in ("7kq4-m9xd-2pwv", "7KQ4-M9XD-2PWV", "7KQ4-M9X0-2PWV", "7KQ4-M9XO-2PWU", "7KQ4-M9XD-2PWU"):
        assert verification.lookup(typed).pk == document.pk, typed
    other = issue(CalendarYear.objects.create(year=2032, source="测试"))
    IssuedDocument.objects.filter(pk=other.pk).update(code="7KQ4M9XQ2PWV")
    assert verification.lookup("7KQ4-M9X0-2PWV") is None  # D or Q: two documents, so neither is guessed
    assert verification.lookup("7KQ4-M9XQ-2PWV").pk == other.pk
    assert verification.lookup("2222-2222-2222") is None
    assert verification.lookup("") is None


def test_the_check_url_is_the_public_base_and_the_grouped_code(settings):
    settings.LINKAGE_PUBLIC_BASE_URL = "https://zxld.example.gov.cn/"
    assert verification.check_url("7KQ4M9XD2PWR") == "https://zxld.example.gov.cn/verify/7KQ4-M9XD-2PWR/"
    assert verification.check_page_hint() == "扫码或登录 zxld.example.gov.cn/verify/ 输入核验码查验真伪"
    svg = verification.qr_svg("https://zxld.example.gov.cn/verify/7KQ4-M9XD-2PWR/")
    assert svg.startswith("<?xml") and "<path" in svg


# ------------------------------------------------------------------------------------------------------- issue


def test_issue_stores_the_rendered_bytes_with_their_hash_and_what_the_document_prints(source, settings):
    settings.LINKAGE_PUBLIC_BASE_URL = "https://zxld.example.gov.cn"
    seen = []

    def render(extra):
        seen.append(extra)
        return fake_pdf(extra)

    document = issue(source, render=render)
    assert len(seen) == 1
    verification_context = seen[0]["verification"]
    assert verification_context["code"] == document.grouped_code
    assert verification_context["url"] == f"https://zxld.example.gov.cn/verify/{document.grouped_code}/"
    assert verification_context["qr_data_uri"].startswith("data:image/svg+xml;base64,")
    stored = IssuedDocument.objects.get(pk=document.pk)
    assert seen[0]["electronic_seal"] is True  # the printed seal gives way to the signature's stamp
    # Signed as an incremental update: the rendered bytes come first, unchanged, then the signature.
    assert bytes(stored.content).startswith(fake_pdf(seen[0])[: -len(b"%%EOF\n")])
    assert signing.validate_pdf(bytes(stored.content)).ok
    assert verification.matches(stored, bytes(stored.content))
    assert not verification.matches(stored, bytes(stored.content) + b" ")
    assert re.fullmatch(r"[0-9a-f]{64}", stored.sha256)
    assert (stored.status, stored.document_number, stored.addressee) == (
        IssuedDocumentStatus.IN_FORCE,
        "（2026）粤0103执1001号",
        "中国工商银行广州荔湾支行",
    )
    assert stored.source == source
    assert AuditEntry.objects.filter(action="create", object_id=str(stored.pk)).exists()


def test_issuing_again_returns_the_current_document_unless_superseding(source):
    first = issue(source)
    again = issue(source, render=lambda extra: pytest.fail("not rendered again"))
    assert again.pk == first.pk
    second = issue(source, supersede=True)
    assert second.pk != first.pk and second.code != first.code
    first.refresh_from_db()
    assert first.status == IssuedDocumentStatus.SUPERSEDED and first.superseded_by_id == second.pk
    assert verification.issued(source, KIND).pk == second.pk
    assert verification.lookup(first.code).status == IssuedDocumentStatus.SUPERSEDED  # still checkable


def test_one_current_document_per_source_and_kind_is_held_by_the_database(source):
    document = issue(source)
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedDocument.objects.create(
            code="22222222222Z",
            kind=KIND,
            document_number="x",
            issuer_code="x",
            issuer_name="x",
            addressee="x",
            issued_on=document.issued_on,
            sha256="0" * 64,
            content=b"%PDF-",
            content_type=ContentType.objects.get_for_model(source),
            object_id=source.pk,
        )


def test_a_failed_render_issues_nothing(source):
    def broken(extra):
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        issue(source, render=broken)
    assert not IssuedDocument.objects.exists()


def test_status_moves_and_refusals(source):
    with pytest.raises(ApplicationError, match="尚未签发"):
        verification.set_status(source, KIND, IssuedDocumentStatus.LIFTED, "x")
    issue(source)
    lifted = verification.set_status(source, KIND, IssuedDocumentStatus.LIFTED, "已于二〇二六年十月九日解除")
    assert (lifted.status, lifted.status_note) == (IssuedDocumentStatus.LIFTED, "已于二〇二六年十月九日解除")
    assert lifted.status_changed_at is not None
    assert AuditEntry.objects.filter(action="update", object_id=str(lifted.pk), changes__has_key="status").exists()
    with pytest.raises(ApplicationError, match="不能变更为“有效”"):
        verification.set_status(source, KIND, IssuedDocumentStatus.IN_FORCE, "")
    with pytest.raises(ApplicationError, match="已解除"):
        verification.set_status(source, KIND, IssuedDocumentStatus.WITHDRAWN, "")
    assert IssuedDocument.objects.get().status == IssuedDocumentStatus.LIFTED


def test_a_withdrawn_document_never_comes_back(source):
    issue(source)
    verification.set_status(source, KIND, IssuedDocumentStatus.WITHDRAWN, "已撤回")
    for status in (IssuedDocumentStatus.IN_FORCE, IssuedDocumentStatus.LIFTED):
        with pytest.raises(ApplicationError):
            verification.set_status(source, KIND, status, "")


def test_every_kind_of_the_issue_is_defined():
    labels = set(IssuedDocumentKind.labels)
    for label in (
        "协助执行通知书",
        "解除协助执行通知书",
        "限制消费令",
        "信用修复证明",
        "司法信用报告",
        "会议纪要",
        "会议通知",
        "年度工作报告",
        "考核结果通报",
        "工作简报",
        "司法建议书",
    ):
        assert label in labels
    with pytest.raises(ApplicationError):
        verification.issue(
            "nonsense",
            CalendarYear(pk=1),
            number="",
            issuer_code="",
            issuer_name="",
            addressee="",
            issued_on=datetime.date.today(),
            render=fake_pdf,
        )


# --------------------------------------------------------------------------------------- the page and the API


def test_check_page_and_api_answer_the_same(client, source):
    document = issue(source)
    page = client.get(reverse("verify:check-code", kwargs={"code": document.code.lower()}))
    body = page.content.decode()
    assert page.status_code == 200
    for text in (
        "有效",
        "协助执行通知书",
        "（2026）粤0103执1001号",
        "广州市荔湾区人民法院",
        "中国工商银行广州荔湾支行",
        "2026年10月9日",
        document.grouped_code,
    ):
        assert text in body
    answer = client.get(reverse("api-verify", kwargs={"code": document.grouped_code}))
    assert answer.status_code == 200
    assert answer.json() == {
        "code": document.grouped_code,
        "kind": "assistance_notice",
        "kind_display": "协助执行通知书",
        "document_number": "（2026）粤0103执1001号",
        "issuer_name": "广州市荔湾区人民法院",
        "addressee": "中国工商银行广州荔湾支行",
        "issued_on": "2026-10-09",
        "status": "in_force",
        "status_display": "有效",
        "status_note": "",
    }
    form = client.get(reverse("verify:check"), {"code": document.grouped_code.lower()})
    assert form.status_code == 302 and form["Location"].endswith(f"/verify/{document.code.lower().upper()}/")


def test_wrong_codes_are_not_found_without_a_hint_then_rate_limited(client, source, settings):
    settings.VERIFY_RATE_PER_MINUTE = 5
    issue(source)
    for typed in ("2222-2222-2222", "hello", "ZZZZ-ZZZZ-ZZZZ"):
        page = client.get(reverse("verify:check-code", kwargs={"code": typed}))
        assert page.status_code == 404
        assert "未找到该核验码对应的文书" in page.content.decode()
    api = client.get(reverse("api-verify", kwargs={"code": "2222-2222-2222"}))
    assert api.status_code == 404 and api.json() == {"detail": "未找到该核验码对应的文书。"}
    client.get(reverse("verify:check-code", kwargs={"code": "3333-3333-3333"}))  # the 5th of the window
    limited = client.get(reverse("verify:check-code", kwargs={"code": "4444-4444-4444"}))
    assert limited.status_code == 429 and "查验过于频繁，请稍后再试。" in limited.content.decode()
    assert limited["Retry-After"]
    api = client.get(reverse("api-verify", kwargs={"code": "4444-4444-4444"}))
    assert api.status_code == 429 and api.json() == {"detail": "查验过于频繁，请稍后再试。"}


def test_the_api_ignores_a_stale_token(client, source):
    document = issue(source)
    answer = client.get(reverse("api-verify", kwargs={"code": document.code}), HTTP_AUTHORIZATION="Token nonsense")
    assert answer.status_code == 200


def test_upload_compares_bytes(client, source, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = issue(source)
    url = reverse("verify:check-code", kwargs={"code": document.grouped_code})
    content = bytes(IssuedDocument.objects.get(pk=document.pk).content)

    def upload(data, name="文书.pdf"):
        return client.post(url, {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")})

    same = upload(content)
    assert same.status_code == 200 and "与签发文件完全一致" in same.content.decode()
    changed = bytearray(content)
    changed[20] ^= 0x01
    different = upload(bytes(changed))
    assert different.status_code == 200 and "与签发文件不一致（可能被篡改）" in different.content.decode()
    not_pdf = upload(b"GIF89a....", name="x.pdf")
    assert not_pdf.status_code == 400 and "请上传PDF文件" in not_pdf.content.decode()
    missing = client.post(url, {})
    assert missing.status_code == 400
    settings.VERIFY_UPLOAD_MAX_MB = 0
    too_big = upload(content)
    assert too_big.status_code == 400 and "文件超过0MB" in too_big.content.decode()


def test_the_page_shows_nothing_beyond_the_document(client, source):
    document = issue(source)
    body = client.get(reverse("verify:check-code", kwargs={"code": document.code})).content.decode()
    assert "sha256" not in body.lower() and document.sha256 not in body


# ------------------------------------------------------------------------ the upload's electronic signature


def post_pdf(client, document, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("verify:check-code", kwargs={"code": document.grouped_code})
    return client.post(url, {"pdf": SimpleUploadedFile("文书.pdf", data, content_type="application/pdf")})


def answer_of(response):
    """(the sentence on the bytes, the signature's state, the sentence on the signature) of a check page."""
    body = response.content.decode()
    comparison = re.search(r'id="verify-comparison">([^<]*)<', body).group(1)
    state, text = re.search(r'id="verify-signature" data-signature="(\w+)">([^<]*)<', body).groups()
    return comparison, state, text


def with_annotation(content):
    """The file as a reader that adds a note to the first page and saves incrementally writes it: the signed bytes
    come first, unchanged, then an update that changes what the page shows."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    note = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Text"),
                generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (10, 10, 30, 30)]),
                generic.NameObject("/Contents"): generic.TextStringObject("已阅"),
            }
        )
    )
    page[generic.NameObject("/Annots")] = generic.ArrayObject([*(page.get("/Annots") or []), note])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_issued_bytes_are_the_same_file_with_a_valid_signature(client, source):
    document = issue(source)
    content = bytes(IssuedDocument.objects.get(pk=document.pk).content)
    response = post_pdf(client, document, content)
    assert response.status_code == 200
    comparison, state, text = answer_of(response)
    assert comparison == "与签发文件完全一致。"
    assert state == "valid"
    assert re.fullmatch(r"电子签名有效（签名单位：广州市荔湾区人民法院，签名时间：\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d）。", text)


def test_a_changed_byte_is_a_different_file_with_an_invalid_signature(client, source):
    document = issue(source)
    content = bytes(IssuedDocument.objects.get(pk=document.pk).content)
    for position in (len(content) // 3, 20):  # inside a signed stream, and in the header
        changed = bytearray(content)
        changed[position] ^= 0x01
        comparison, state, text = answer_of(post_pdf(client, document, bytes(changed)))
        assert (comparison, state, text) == ("与签发文件不一致（可能被篡改）。", "invalid", "电子签名无效或文件被改动。")


def test_an_unsigned_pdf_says_so(client, source):
    from weasyprint import HTML

    document = issue(source)
    unsigned = HTML(string=f"<p>{document.grouped_code} 协助执行通知书</p>").write_pdf()
    comparison, state, text = answer_of(post_pdf(client, document, unsigned))
    assert (comparison, state, text) == ("与签发文件不一致（可能被篡改）。", "unsigned", "未签名：该文件不带电子签名。")


def test_a_copy_with_data_appended_is_not_the_file_but_its_signed_part_is_intact(client, source):
    document = issue(source)
    content = bytes(IssuedDocument.objects.get(pk=document.pk).content)
    response = post_pdf(client, document, content + b"\n% saved again by a reader\n")
    comparison, state, text = answer_of(response)
    assert comparison.startswith("与签发文件不是逐字节相同") and "正文完整，未被改动" in comparison
    assert state == "valid" and text.startswith("电子签名有效（签名单位：广州市荔湾区人民法院")
    assert 'class="alert alert-warning"' in response.content.decode()
    # An update that changes what a page shows (a note added) is no longer "intact", though the prefix is the same.
    annotated = with_annotation(content)
    assert annotated.startswith(content)
    assert answer_of(post_pdf(client, document, annotated)) == (
        "与签发文件不一致（可能被篡改）。",
        "invalid",
        "电子签名无效或文件被改动。",
    )


def test_a_genuine_signature_elsewhere_does_not_vouch_for_this_document(client, source):
    document = issue(source)
    # Another document the same court issued: validly signed by the issuer, but not the one this code names.
    other = issue(CalendarYear.objects.create(year=2033, source="测试"))
    other_bytes = bytes(IssuedDocument.objects.get(pk=other.pk).content)
    comparison, state, _text = answer_of(post_pdf(client, document, other_bytes))
    assert comparison.startswith("与签发文件不一致：该文件虽带有签发机关的有效电子签名，但不是本核验码对应的文书")
    assert state == "valid"
    # A document signed by another unit's genuine certificate: valid, but not the issuer's.
    stranger = issue(CalendarYear.objects.create(year=2034, source="测试"), issuer_code="court-0104",
                     issuer_name="广州市越秀区人民法院")  # fmt: skip
    stranger_bytes = bytes(IssuedDocument.objects.get(pk=stranger.pk).content)
    comparison, state, text = answer_of(post_pdf(client, document, stranger_bytes))
    assert (comparison, state) == ("与签发文件不一致（可能被篡改）。", "invalid")
    assert text == "电子签名无效：签名单位（广州市越秀区人民法院）不是本文书的签发机关。"
    assert signing.validate_pdf(stranger_bytes).ok  # the signature itself is fine: it is the signer that is wrong
