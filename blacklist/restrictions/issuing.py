"""The restriction order as an issued document (issue 24, `linkage.verification`): issued — frozen with its
verification code and QR code — when it is made (`services.issue_restriction_order`: it takes effect on the day it
is signed and issued), marked 已解除 with the lifting date and ground when it is lifted, and, while its listing's
grace pauses it, kept 有效 with the pause written in the check page's note (`after_move`, called by
`RESTRICTION_MACHINE.move` after every move, so every path that lifts, pauses or resumes an order marks it alike).

Why a paused order stays 有效: the pause is not a lifting — the order is still the court's, and comes back in force
by itself when the grace is broken. But a bank, an airline or a hotel checking it must know that for now it does not
bind: the note says 暂缓期内暂停执行 from when, and that it resumes if the debtor fails the promise; on resumption the
note is cleared. An order made before documents were issued has no issued document and is left as it is."""

from django.utils import timezone

from linkage import verification
from linkage.numerals import chinese_date
from linkage.verification_models import IssuedDocumentKind, IssuedDocumentStatus

KIND = IssuedDocumentKind.RESTRICTION_ORDER


def issue_order(order):
    """Issue the order's PDF (idempotent): rendered once with its code, signed and stored as served."""
    from . import documents  # documents import the services, which call here

    return verification.issue(
        KIND,
        order,
        number=order.case.number,
        issuer_code=order.case.court.code,
        issuer_name=order.case.court.name,
        addressee=order.debtor.name,  # 被限制人, as printed: never the identity number
        issued_on=order.issued_on,
        render=lambda extra: documents.render_restriction_order(order, extra),
    )


def paused_note(on):
    return (
        f"该限制消费令自{chinese_date(on)}起因暂缓采取惩戒措施暂停执行，暂缓期内不限制被限制人的消费行为；"
        "被执行人未按承诺履行的，恢复执行。"
    )


def after_move(order, action):
    """The issued document's side of an order's move (see the module)."""
    current = verification.issued(order, KIND)
    if current is None or current.status != IssuedDocumentStatus.IN_FORCE:
        return
    if action == "lift":
        note = f"已于{chinese_date(order.lifted_on)}解除，解除理由：{order.lift_reason}"
        verification.set_status(order, KIND, IssuedDocumentStatus.LIFTED, note)
    elif action == "pause":
        verification.annotate(order, KIND, paused_note(timezone.localdate()))
    elif action == "resume":
        verification.annotate(order, KIND, "")
