"""The notices as issued documents (issue 24, `linkage.verification`): a notice (协助执行通知书, or a renewal's
续行查封/冻结通知书) is issued — frozen with its verification code and QR code — when the leader signs it, its lifting
notice when the leader signs the lifting, which marks the notice 已解除 with the lifting notice's number and date;
a withdrawn notice is marked 已撤回. Called by `NOTICE_MACHINE.move` after each of those moves (`ISSUING_MOVES`), so
every path that makes them (the services, a concluded case, an upheld review, a cancelled search) issues alike, in
the move's transaction.

A referral for social relief (社会救助转介函) is not one of issue 24's documents: it is not issued here."""

from django.utils import timezone

from linkage import verification
from linkage.numerals import chinese_date
from linkage.pdf import render_pdf
from linkage.verification_models import IssuedDocumentKind, IssuedDocumentStatus

from . import documents

ISSUING_MOVES = frozenset({"sign", "sign_lifting", "withdraw"})


def after_move(notice, action):
    """The issued documents' side of a notice's move (see the module)."""
    if notice.measure.code == documents.SOCIAL_RELIEF:
        return
    if action == "sign":
        issue_notice(notice)
    elif action == "sign_lifting":
        issue_lifting(notice)
    elif action == "withdraw":
        _mark(notice, IssuedDocumentStatus.WITHDRAWN, f"已于{chinese_date(timezone.localdate())}撤回")


def issue_notice(notice):
    """Issue the signed notice's PDF (idempotent): rendered once, with its code, and stored as served."""
    context = documents.notice_document_context(notice)
    return verification.issue(
        documents.notice_kind(notice),
        notice,
        number=context["case_number"],
        issuer_code=notice.court.code,
        issuer_name=context["court_name"],
        addressee=context["unit_name"],
        issued_on=timezone.localdate(notice.signed_at),
        render=lambda extra: render_pdf(documents.NOTICE_TEMPLATE, {**context, **extra}),
    )


def issue_lifting(notice):
    """Issue the signed lifting notice's PDF and mark the notice it lifts 已解除, naming the lifting notice."""
    context = documents.notice_document_context(notice)
    context = {**context, "watermark": "", "is_draft": False}
    lifted_on = timezone.localdate(notice.lifted_at)
    issued = verification.issue(
        IssuedDocumentKind.LIFTING_NOTICE,
        notice,
        number=context["case_number"],
        issuer_code=notice.court.code,
        issuer_name=context["court_name"],
        addressee=context["unit_name"],
        issued_on=lifted_on,
        render=lambda extra: render_pdf(documents.LIFTING_TEMPLATE, {**context, **extra}),
    )
    note = (
        f"已于{chinese_date(lifted_on)}以{context['case_number']}{documents.LIFTING_TITLE}"
        f"（核验码 {issued.grouped_code}）解除，依据{notice.lifting_ruling_number}执行裁定书"
    )
    _mark(notice, IssuedDocumentStatus.LIFTED, note)
    return issued


def _mark(notice, status, note):
    """Move the notice's issued document, when it has one (a notice signed before documents were issued has none)."""
    verification.end(notice, documents.notice_kind(notice), status, note)
