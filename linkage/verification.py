"""Issuing documents that anyone can verify (issue 24): the one service every app calls when it issues a document.

* ``issue(kind, source, *, number, issuer_code, issuer_name, addressee, issued_on, render, supersede=False)``
  draws a fresh verification code, renders the PDF with the code and its QR code in the context
  (``render({"verification": {...}}) -> bytes``), signs it (``_sign``), hashes and stores the exact bytes with what
  the document prints, in the caller's transaction. Idempotent: the same (source, kind) again returns the current
  row, unless ``supersede=True`` (the old row becomes 已被替代 and points at the new one).
* ``set_status(source, kind, status, note)``: in force → lifted / withdrawn / superseded, nothing back (who and when:
  the audit trail of the row's update); an impossible move raises ``ApplicationError``.
* ``annotate(source, kind, note)``: the status note alone, the status kept (a paused restriction order in force).
* ``lookup(code)``: the row of a typed or scanned code (without its bytes), or None.
* ``lookup_file(data)``: the row whose issued bytes are exactly ``data``, or None.
* ``issued(source, kind)``: the current row without its bytes, or None.
* ``document_for(source, kind)``: the current row with its bytes (to serve the issued document), or None.
* ``matches(document, data)``: whether uploaded bytes are byte for byte the issued ones (SHA-256).
* ``public_facts(document)``: what the check page and the API show — only what the document itself prints.

Codes: 12 characters from an alphabet without the look-alikes 0 O 1 I L U (``ALPHABET``, 30 symbols: ~5×10^17
codes), printed in groups of four (7KQ4-M9XD-2PWR). ``normalise_code`` folds full-width input (a Chinese input
method), case, spaces and dashes; since no printed code holds 0 O 1 I L or U, a typed one is a misreading, and
``lookup`` tries the printed characters it may stand for (``LOOKALIKES``: O/0 → D Q, I/1/L → J T 7, U → V), at most
``MAX_LOOKALIKES`` of them per code, resolving only when exactly one code matches.

The QR code encodes ``<LINKAGE_PUBLIC_BASE_URL>/verify/<CODE>/`` (settings; the address the public reaches).
"""

import base64
import hashlib
import io
import itertools
import secrets
import unicodedata

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from linkage.audit import remember_loaded
from linkage.errors import ApplicationError
from linkage.verification_models import IssuedDocument, IssuedDocumentKind, IssuedDocumentStatus

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
GROUP = 4
LOOKALIKES = {"O": "DQ", "0": "DQ", "I": "JT7", "1": "JT7", "L": "JT7", "U": "V"}
MAX_LOOKALIKES = 3
NOT_FOUND = "未找到该核验码对应的文书。"
# Which status may follow which: a document lifted, withdrawn or superseded never comes back into force.
ALLOWED_STATUS_MOVES = {
    IssuedDocumentStatus.IN_FORCE: {
        IssuedDocumentStatus.LIFTED,
        IssuedDocumentStatus.WITHDRAWN,
        IssuedDocumentStatus.SUPERSEDED,
    },
    IssuedDocumentStatus.LIFTED: {IssuedDocumentStatus.SUPERSEDED},
    IssuedDocumentStatus.WITHDRAWN: set(),
    IssuedDocumentStatus.SUPERSEDED: set(),
}


# ------------------------------------------------------------------------------------------------------------ codes


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def group_code(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise_code(text) -> str:
    """Upper case, full-width folded, separators dropped: "7kq4 m9xd－2pwr" → "7KQ4M9XD2PWR" (look-alikes kept)."""
    text = unicodedata.normalize("NFKC", str(text or "")).upper()
    return "".join(ch for ch in text if ch.isalnum())


def candidate_codes(text) -> list[str]:
    """The codes a typed text may stand for: itself when well formed, else each reading of its look-alikes."""
    code = normalise_code(text)
    if len(code) != CODE_LENGTH:
        return []
    options = [LOOKALIKES.get(ch, ch) for ch in code]
    if any(ch not in ALPHABET for option in options for ch in option):
        return []
    if sum(ch in LOOKALIKES for ch in code) > MAX_LOOKALIKES:
        return []
    return ["".join(chars) for chars in itertools.product(*options)]


def check_url(code: str) -> str:
    """The absolute address the QR code encodes: <base>/verify/<CODE>/."""
    base = settings.LINKAGE_PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("verify:check-code", kwargs={"code": group_code(code)})


def check_page_hint() -> str:
    """The printed line: where to type the code by hand."""
    base = settings.LINKAGE_PUBLIC_BASE_URL.rstrip("/").split("://", 1)[-1]
    return f"扫码或登录 {base}{reverse('verify:check')} 输入核验码查验真伪"


def qr_svg(text: str) -> str:
    """The QR code of `text` as one SVG path (error correction M, the standard quiet zone), drawn by the app."""
    import qrcode
    import qrcode.image.svg

    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, image_factory=qrcode.image.svg.SvgPathImage
    )
    qr.add_data(text)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().save(out)
    return out.getvalue().decode("utf-8")


def verification_context(code: str) -> dict:
    """What a PDF template's `pdf/_verification.html` reads, under the key "verification"."""
    url = check_url(code)
    svg = qr_svg(url)
    return {
        "code": group_code(code),
        "url": url,
        "hint": check_page_hint(),
        "qr_svg": svg,
        "qr_data_uri": "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
    }


# --------------------------------------------------------------------------------------------------------- signing


def _sign(pdf_bytes: bytes, issuer_code: str, issuer_name: str, reason: str) -> bytes:
    """THE place where an issued PDF gets its PAdES signature (`linkage.signing.sign_pdf`, the visible field over
    the document's seal mark). An issuer with no key yet gets one under the jurisdiction's self-made CA when
    `LINKAGE_SIGNING_AUTO_ISSUE` (the default outside production: the demo and the tests sign out of the box); in
    production a missing key refuses the issue (503, naming `manage.py signing_ca`) rather than send it unsigned.
    Whatever it returns is what is hashed, stored and served."""
    from . import signing, signing_keys

    if not signing_keys.has_identity(issuer_code) and settings.LINKAGE_SIGNING_AUTO_ISSUE:
        if connection.vendor == "postgresql":  # one process creates a signer's first key; the others wait for it
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"signing:{issuer_code}"])
        if signing_keys.ca_certificate() is None:
            signing_keys.init_ca(common_name="执行联动电子签章根证书（自建）")
        if not signing_keys.has_identity(issuer_code):
            signing_keys.issue_identity(issuer_code, organisation_name=issuer_name)
    return signing.sign_pdf(pdf_bytes, signer=issuer_code, reason=reason)


# --------------------------------------------------------------------------------------------------------- service


def _current(source, kind):
    content_type = ContentType.objects.get_for_model(source, for_concrete_model=False)
    return IssuedDocument.objects.filter(content_type=content_type, object_id=source.pk, kind=kind).current()


def _unused_code() -> str:
    while True:  # a collision is ~1 in 10^17 per issued document; retried rather than assumed away
        code = new_code()
        if not IssuedDocument.objects.filter(code=code).exists():
            return code


@transaction.atomic
def issue(kind, source, *, number, issuer_code, issuer_name, addressee, issued_on, render, supersede=False):
    """Issue `source`'s document of `kind`: a fresh code, the PDF rendered with it (`render(context_extra)`),
    signed, hashed and stored with what it prints; returns the row (bytes included). The same (source, kind) again
    returns the current row unchanged unless `supersede`, which issues a new one and marks the old 已被替代.
    Runs in the caller's transaction: the document is issued with the move that issues it, or not at all."""
    if kind not in IssuedDocumentKind.values:
        raise ApplicationError(f"未知的文书类型：{kind}。")
    existing = _current(source, kind).defer("content").select_for_update().first()
    if existing is not None and not supersede:
        return existing
    code = _unused_code()
    # `electronic_seal`: the printed placeholder seal gives way to the signature's visible stamp.
    pdf = _sign(
        render({"verification": verification_context(code), "electronic_seal": True}),
        issuer_code,
        issuer_name,
        f"签发{IssuedDocumentKind(kind).label}",
    )
    now = timezone.now()
    if existing is not None:
        set_status(source, kind, IssuedDocumentStatus.SUPERSEDED, "已重新签发")
    document = IssuedDocument.objects.create(
        code=code,
        kind=kind,
        document_number=number,
        issuer_code=issuer_code,
        issuer_name=issuer_name,
        addressee=addressee,
        issued_on=issued_on,
        sha256=hashlib.sha256(pdf).hexdigest(),
        content=pdf,
        content_type=ContentType.objects.get_for_model(source, for_concrete_model=False),
        object_id=source.pk,
        status_changed_at=now,
    )
    if existing is not None:
        IssuedDocument.objects.filter(pk=existing.pk).update(superseded_by=document)
    return document


@transaction.atomic
def set_status(source, kind, status, note=""):
    """Move the current document of (source, kind) to `status` with a note the check page shows (e.g. the lifting
    notice's number and date). Refused in Chinese when there is no such document or the move is impossible (a
    withdrawn document never comes back); the same status again changes nothing. Who and when: the audit trail."""
    document = _current(source, kind).select_for_update().first()
    if document is None:
        raise ApplicationError("该文书尚未签发，没有可变更状态的签发记录。")
    return _move(document, status, note)


@transaction.atomic
def end(source, kind, status, note=""):
    """`set_status` for a source's own later moves (lifted, withdrawn, replaced): the document in force is moved; a
    source never issued (a draft, or made before documents were issued) or no longer in force is left as it is.
    Returns the row moved, or None."""
    document = _current(source, kind).filter(status=IssuedDocumentStatus.IN_FORCE).select_for_update().first()
    return None if document is None else _move(document, status, note)


def _move(document, status, note):
    if document.status == status:
        return document
    if status not in ALLOWED_STATUS_MOVES.get(document.status, set()):
        raise ApplicationError(
            f"文书状态为“{document.get_status_display()}”，不能变更为“{IssuedDocumentStatus(status).label}”。",
            field="status",
        )
    remember_loaded(document)
    document.status, document.status_note, document.status_changed_at = status, note, timezone.now()
    document.save(update_fields=["status", "status_note", "status_changed_at"])
    return document


@transaction.atomic
def annotate(source, kind, note):
    """Change the status note of the current document of (source, kind), its status kept: a document in force whose
    effect is for now held (a restriction order paused during a grace) says so on the check page; an empty note
    clears it. Refused in Chinese when there is no such document; returns the row."""
    document = _current(source, kind).select_for_update().first()
    if document is None:
        raise ApplicationError("该文书尚未签发，没有可变更状态的签发记录。")
    if document.status_note != note:
        remember_loaded(document)
        document.status_note, document.status_changed_at = note, timezone.now()
        document.save(update_fields=["status_note", "status_changed_at"])
    return document


def lookup(text):
    """The issued document a typed or scanned code names (without its bytes), or None; see the module's note on
    look-alikes. Never says which codes exist."""
    candidates = candidate_codes(text)
    if not candidates:
        return None
    rows = list(IssuedDocument.objects.without_content().filter(code__in=candidates)[:2])
    return rows[0] if len(rows) == 1 else None


def lookup_file(data: bytes):
    """The issued document whose stored bytes `data` is exactly (a liaison uploading a PDF without typing its
    code), without its bytes, or None. A scan or any other copy is found by its code only."""
    digest = hashlib.sha256(data).hexdigest()
    return IssuedDocument.objects.without_content().filter(sha256=digest).order_by("-created_at", "-id").first()


def issued(source, kind):
    """The current issued document of (source, kind) without its bytes, or None when it was never issued."""
    return _current(source, kind).defer("content").first()


def document_for(source, kind, *, superseded_too=False):
    """The current issued document of (source, kind), bytes included, or None when it was never issued;
    `superseded_too`: the last one issued even if replaced since (an earlier version is still served as issued)."""
    if superseded_too:
        content_type = ContentType.objects.get_for_model(source, for_concrete_model=False)
        return IssuedDocument.objects.filter(content_type=content_type, object_id=source.pk, kind=kind).order_by(
            "-pk").first()
    return _current(source, kind).first()


def matches(document, data: bytes) -> bool:
    return hashlib.sha256(data).hexdigest() == document.sha256


def public_facts(document) -> dict:
    """What anybody checking a code is told: exactly what the document prints, and its status."""
    return {
        "code": document.grouped_code,
        "kind": document.kind,
        "kind_display": document.get_kind_display(),
        "document_number": document.document_number,
        "issuer_name": document.issuer_name,
        "addressee": document.addressee,
        "issued_on": document.issued_on,
        "status": document.status,
        "status_display": document.get_status_display(),
        "status_note": document.status_note,
    }
