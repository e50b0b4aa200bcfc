"""The committee's briefings (通报): drafted from the record, edited, issued to the addressees with one receipt row
each, read (first read kept), the unread reminded at most once a day, withdrawn with a reason
(`meetings.briefing_machines.BRIEFING`).

Addressees (荔政法〔2017〕72号 四（二）2: 区党政主要领导、执行联动成员单位一把手): the roster holds no account for the
district's party and government leaders, and a unit's head is reached through its people on the roster, so a
briefing goes to every active account of every active unit of the jurisdiction other than the committee itself that
speaks for the unit: its liaisons (A, B and the responsible leader L) and, for a court, its bureau leaders; and to
the district's party and government leaders the roster lists (`members.Leader`), who hold no account: each gets a
personal read link by SMS and email (the receipt's number signed with the site's secret key, so the same link
comes again in a reminder and nothing secret is stored), and its first opening is the receipt. Roster contacts with no account get no receipt."""

import dataclasses
import datetime

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from linkage.errors import ApplicationError, PermissionDenied
from linkage.notify import Message, Recipient, absolute_url, notify_many
from members.chat import chat_targets
from members.models import Leader, OrganisationKind, User, UserRole

from .. import issuing, numbering
from ..briefing_figures import draft_figures, draft_texts
from ..briefing_machines import BRIEFING
from ..briefing_models import Briefing, BriefingRecipient, BriefingState
from .common import text as clean_text

SECTION_FIELDS = {"opening": "导语", "scoreboard_text": "考评情况", "overdue_text": "逾期未办情况",
                  "criticism_text": "通报批评", "requirements": "工作要求"}
SECTION_MAX = 20000


def addressees(jurisdiction_id):
    """The accounts a briefing of the jurisdiction goes to, in the units' order (see the module's docstring)."""
    return list(
        User.objects.filter(is_active=True, is_system_account=False, organisation__jurisdiction_id=jurisdiction_id,
                            organisation__active=True)
        .exclude(organisation__kind=OrganisationKind.COMMITTEE)
        .filter(Q(role=UserRole.LIAISON) | Q(role=UserRole.LEADER, organisation__kind=OrganisationKind.COURT))
        .select_related("organisation").order_by("organisation__sort_order", "organisation_id", "pk")
    )


def default_title(period_from, period_to):
    start, end = f"{period_from.year}年{period_from.month}月", f"{period_to.year}年{period_to.month}月"
    return f"关于{start if start == end else f'{start}至{end}'}执行联动工作情况的通报"


def _period(period_from, period_to):
    if not isinstance(period_from, datetime.date) or not isinstance(period_to, datetime.date):
        raise ApplicationError("请填写通报期间。", field="period_from")
    if period_to < period_from:
        raise ApplicationError("通报期间的截止日期不能早于起始日期。", field="period_to")
    if period_to > timezone.localdate():
        raise ApplicationError("通报期间不能晚于今天。", field="period_to")
    return period_from, period_to


@transaction.atomic
def draft_briefing(*, actor, period_from, period_to, title=""):
    """The committee drafts a briefing of a period: its sections are prefilled from the record as of now (the
    last finalised scoreboard, the overdue notices by unit, the units criticised in the period)."""
    if not actor.is_committee or actor.organisation_id is None:
        raise PermissionDenied("只有政法委可以起草工作通报。")
    jurisdiction = actor.organisation.jurisdiction
    period_from, period_to = _period(period_from, period_to)
    title = clean_text(title, "标题", "title", required=False, max_length=200) or default_title(period_from, period_to)
    figures = draft_figures(jurisdiction, period_from, period_to)
    briefing = Briefing.objects.create(
        jurisdiction=jurisdiction, issuer=actor.organisation, title=title, period_from=period_from,
        period_to=period_to, figures=figures, created_by=actor,
        **draft_texts(jurisdiction, period_from, period_to, figures, issuer=actor.organisation))
    BRIEFING.record(briefing, "create", actor, to_state=BriefingState.DRAFT,
                    data={"overdue_units": len(figures["overdue"]), "criticised": len(figures["criticism"])})
    return briefing


@transaction.atomic
def edit_briefing(*, actor, briefing, **sections):
    """The committee edits a draft's title and sections; the figures stay as drafted."""
    briefing = BRIEFING.lock(briefing)
    BRIEFING.check(briefing, "edit", actor)
    changes = {}
    if "title" in sections:
        changes["title"] = clean_text(sections["title"], "标题", "title", max_length=200)
    for field, label in SECTION_FIELDS.items():
        if field in sections:
            changes[field] = clean_text(sections[field], label, field, required=field == "opening",
                                        max_length=SECTION_MAX)
    return BRIEFING.move(briefing, "edit", actor, data={"fields": sorted(changes)}, **changes)


def _message(briefing, kind, title):
    return Message(kind=kind, title=title,
                   body=f"{briefing.issuer.name}印发《{briefing.title}》，请登录系统阅读。",
                   link=reverse("meetings:briefing-detail", args=[briefing.pk]))


READ_SALT = "meetings.briefing-read"


def read_link(receipt):
    """A leader's personal read path: its receipt's number, signed (django.core.signing) with the site's key."""
    return reverse("meetings:briefing-read", args=[signing.dumps(receipt.pk, salt=READ_SALT)])


def _leader_messages(briefing, receipts, kind, title):
    """One message per leader: its own read link, in the SMS and the email."""
    batch = []
    for receipt in receipts:
        leader = receipt.leader
        link = absolute_url(read_link(receipt))
        batch.append(([Recipient(key=f"leader:{leader.pk}", name=leader.name, email=leader.email,
                                 mobile=leader.mobile)],
                      Message(kind=kind, title=title, open_link=link,
                              body=f"{briefing.issuer.name}印发《{briefing.title}》，请通过以下链接阅读：{link}")))
    return batch


def _recipients(users):
    groups = chat_targets({user.organisation_id for user in users})
    return [dataclasses.replace(Recipient.from_user(user), chat=groups.get(user.organisation_id, ()))
            for user in users]


@transaction.atomic
def issue_briefing(*, actor, briefing):
    """The committee issues the draft: it is frozen, one receipt row is written per addressee and each is told in
    the app and by the channels (email, SMS, the unit's work-chat group)."""
    briefing = BRIEFING.lock(briefing)
    BRIEFING.check(briefing, "issue", actor)
    users = addressees(briefing.jurisdiction_id)
    leaders = list(Leader.objects.current(briefing.jurisdiction_id))
    if not users:
        raise ApplicationError("本辖区在册成员单位没有可接收通报的账号，不能印发。")
    now = timezone.now()
    number = numbering.number_briefing(briefing)
    BRIEFING.move(briefing, "issue", actor, issued_by=actor, issued_at=now, document_number=number,
                  data={"recipients": len(users), "leaders": len(leaders), "document_number": number})
    BriefingRecipient.objects.bulk_create([
        BriefingRecipient(briefing=briefing, user=user, unit_id=user.organisation_id, delivered_at=now)
        for user in users])
    leader_receipts = BriefingRecipient.objects.bulk_create([
        BriefingRecipient(briefing=briefing, leader=leader, delivered_at=now) for leader in leaders])
    issuing.issue_briefing(briefing)  # after the receipts: its 抄送 line names the leaders it went to
    title = f"【工作通报】{briefing.title}"
    notify_many([(_recipients(users), _message(briefing, "briefing_issued", title)),
                 *_leader_messages(briefing, leader_receipts, "briefing_issued", title)])
    return briefing


@transaction.atomic
def withdraw_briefing(*, actor, briefing, reason):
    """The committee withdraws a draft or an issued briefing, with its reason; it is kept, marked withdrawn."""
    reason = clean_text(reason, "撤回理由", "reason", max_length=500)
    briefing = BRIEFING.lock(briefing)
    numbering.withdraw_briefing_number(briefing)
    BRIEFING.move(briefing, "withdraw", actor, reason=reason, withdrawn_by=actor, withdrawn_at=timezone.now(),
                  withdrawal_reason=reason)
    issuing.withdraw_briefing(briefing, reason)
    return briefing


@transaction.atomic
def remind_unread(*, actor, briefing):
    """The committee reminds the addressees who have not read the briefing, at most once a day. Returns how many
    were reminded."""
    briefing = BRIEFING.lock(briefing)
    BRIEFING.check(briefing, "remind", actor)
    today = timezone.localdate()
    if briefing.last_reminded_on == today:
        raise ApplicationError("今天已提醒过未读的接收人，请明天再提醒。")
    unread = list(briefing.recipients.filter(read_at__isnull=True)
                  .filter(Q(user__is_active=True) | Q(leader__active=True))
                  .select_related("user", "user__organisation", "leader"))
    if not unread:
        raise ApplicationError("全部接收人均已阅读，无需提醒。")
    now = timezone.now()
    BriefingRecipient.objects.filter(pk__in=[row.pk for row in unread]).update(reminded_at=now)
    leader_receipts = [row for row in unread if row.leader_id]
    BRIEFING.move(briefing, "remind", actor, last_reminded_on=today, data={"unread": len(unread)})
    title = f"【未读提醒】{briefing.title}"
    notify_many([(_recipients([row.user for row in unread if row.user_id]),
                  _message(briefing, "briefing_unread", title)),
                 *_leader_messages(briefing, leader_receipts, "briefing_unread", title)])
    return len(unread)


def mark_read(*, user, briefing):
    """The addressee opened the issued briefing: its receipt is marked read the first time only (one UPDATE that
    matches nothing afterwards), and the bell's messages of this briefing are marked read. Returns whether this
    was the first read."""
    now = timezone.now()
    first = BriefingRecipient.objects.filter(briefing_id=briefing.pk, briefing__state=BriefingState.ISSUED, user=user,
                                             read_at__isnull=True).update(read_at=now)
    if first:
        from linkage.models import Notification

        Notification.objects.filter(recipient=user, read_at__isnull=True,
                                    link=reverse("meetings:briefing-detail", args=[briefing.pk])).update(read_at=now)
    return bool(first)


def open_by_link(key):
    """A leader opens its read link: the receipt of an issued or withdrawn briefing, marked read the first time
    only; None for a key that does not verify."""
    if not isinstance(key, str) or len(key) > 200:
        return None
    try:
        pk = signing.loads(key, salt=READ_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    receipt = (BriefingRecipient.objects.filter(pk=pk, leader__isnull=False)
               .exclude(briefing__state=BriefingState.DRAFT).select_related("briefing", "briefing__issuer", "leader")
               .first())
    if receipt is None:
        return None
    if receipt.read_at is None and receipt.briefing.state == BriefingState.ISSUED:
        now = timezone.now()
        if BriefingRecipient.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=now):
            receipt.read_at = now
    return receipt
