"""Referrals of people who refuse to enforce or obstruct (issue 23, items 2 and 3):

* `CrimeReferral` — the court refers a debtor suspected of 拒不执行判决、裁定罪 to the police unit of its roster, with
  the facts and the evidence list (法发〔2010〕15号 art. 19; Liwan 四(七)4; Gong'an art. 37; Yunfu item 7). The police
  answers within `LINKAGE_CRIME_REFERRAL_ANSWER_DAYS` (default 7) by filing the case (立案) or by a written decision
  not to file (不予立案决定书) with reasons; a refusal may be taken by the court to the procuratorate of the roster
  for supervision of filing (立案监督, Gong'an art. 39), whose answer is recorded. The procuratorate's liaisons see
  nothing of the court's cases, except the referral put to them and its case: a per-object grant made with
  django-guardian's direct foreign-key permission models (`CrimeReferralUserObjectPermission`).
* `DisciplineReferral` — a party member or public official who refuses to perform, interferes or obstructs is
  referred to the discipline and supervision body (纪委监委) of the roster with the facts, evidence and ruling
  (national art. 24; Liwan 五.4; Yunfu items 6, 22); its liaison records the answer.

Imported at the bottom of `assistance.models`; the services are in `assistance/services/referrals.py`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.managers import GroupObjectPermissionManager, UserObjectPermissionManager
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.statemachine import EventBase, Machine, Move, clerk_of, court_staff_of, leader_of, liaison_of
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField
from members.selectors import jurisdiction_id_of

__all__ = [
    "CRIME_MACHINE", "DISCIPLINE_MACHINE", "CrimeReferral", "CrimeReferralEvent", "CrimeReferralGroupObjectPermission",
    "CrimeReferralState", "CrimeReferralUserObjectPermission", "DisciplineAnswer", "DisciplineReferral",
    "DisciplineReferralEvent", "DisciplineState", "SupervisionOutcome",
]

EVIDENCE_LINES_MAX = 50
EVIDENCE_NAME_MAX = 100
EVIDENCE_DESCRIPTION_MAX = 200


class ReferralQuerySet(AuditedQuerySet):
    """Court staff: their court's; the committee: its jurisdiction's (read-only); a liaison: those sent to its unit
    (never a draft). The procuratorate of a crime referral sees it through the object grant (`supervised_by`)."""

    unit_field = "unit_id"

    def visible_to(self, user):
        if user.is_court_staff:
            return self.filter(court_id=user.organisation_id)
        if user.is_committee:
            return self.filter(court__jurisdiction_id=jurisdiction_id_of(user))
        if user.is_liaison:
            return self.filter(**{self.unit_field: user.organisation_id}).exclude(state__in=("drafted", "signed"))
        return self.none()


class CrimeReferralQuerySet(ReferralQuerySet):
    unit_field = "police_id"

    def visible_to(self, user):
        visible = super().visible_to(user)
        if user.is_liaison:
            visible = visible | self.granted_to(user)
        return visible

    def granted_to(self, user):
        """The referrals put to `user` for supervision: those on which it holds the object permission."""
        return self.filter(pk__in=CrimeReferralUserObjectPermission.objects.filter(
            user=user, permission__codename="view_crimereferral").values("content_object_id"))


class CrimeReferralState(models.TextChoices):
    DRAFTED = "drafted", "草稿"
    SIGNED = "signed", "已签发"
    SENT = "sent", "已移送待答复"
    FILED = "filed", "公安已立案"
    REFUSED = "refused", "公安不予立案"
    SUPERVISION_REQUESTED = "supervision", "已提请立案监督"
    SUPERVISED = "supervised", "检察院已答复"


class SupervisionOutcome(models.TextChoices):
    NOTIFY_FILING = "notify_filing", "通知公安机关立案"
    REASONS_HOLD = "reasons_hold", "认为不立案理由成立"


class CrimeReferral(ChoiceLabels, models.Model):
    """The court's referral of a debtor to the police for the crime of refusing to enforce (移送函)."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="crime_referrals")
    court = models.ForeignKey("members.Organisation", verbose_name="执行法院", on_delete=models.PROTECT,
                              related_name="+")
    debtor = models.ForeignKey("cases.Party", verbose_name="被执行人", on_delete=models.PROTECT, related_name="+")
    police = models.ForeignKey("members.Organisation", verbose_name="公安机关", on_delete=models.PROTECT,
                               related_name="crime_referrals")
    facts = BoundedTextField("涉嫌犯罪事实", max_chars=TEXT_MAX)
    # [{"name": "...", "description": "..."}]: each piece of evidence and its pages or description.
    evidence = models.JSONField("证据清单", default=list)
    state = models.CharField("状态", max_length=20, choices=CrimeReferralState.choices,
                             default=CrimeReferralState.DRAFTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    sent_at = models.DateTimeField("移送时间", null=True, blank=True)
    due_at = models.DateTimeField("答复期限", null=True, blank=True)
    answered_at = models.DateTimeField("公安答复时间", null=True, blank=True)
    police_case_number = models.CharField("公安立案编号", max_length=60, blank=True)
    police_filed_on = models.DateField("立案日期", null=True, blank=True)
    refusal_number = models.CharField("不予立案决定书文号", max_length=60, blank=True)
    refusal_reasons = BoundedTextField("不予立案理由", blank=True, max_chars=REASON_MAX)
    procuratorate = models.ForeignKey("members.Organisation", verbose_name="人民检察院", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="supervised_referrals")
    supervision_requested_at = models.DateTimeField("提请监督时间", null=True, blank=True)
    supervision_due_at = models.DateTimeField("监督答复期限", null=True, blank=True)
    supervision_reasons = BoundedTextField("提请监督理由", blank=True, max_chars=REASON_MAX)
    supervision_outcome = models.CharField("监督结果", max_length=20, choices=SupervisionOutcome.choices, blank=True)
    supervision_answer = BoundedTextField("检察院答复", blank=True, max_chars=REASON_MAX)
    supervised_at = models.DateTimeField("检察院答复时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CrimeReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "拒执罪移送"
        verbose_name_plural = "拒执罪移送"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(state="refused") | (~Q(refusal_number="") & ~Q(refusal_reasons="")),
                                   name="crime_refusal_has_decision_and_reasons"),
            models.CheckConstraint(condition=~Q(state="filed") | ~Q(police_case_number=""),
                                   name="crime_filing_has_number"),
            models.CheckConstraint(condition=~Q(state__in=["supervision", "supervised"])
                                   | Q(procuratorate__isnull=False), name="crime_supervision_has_procuratorate"),
        ]

    def __str__(self):
        return f"拒执罪移送第{self.pk}号（{self.debtor.name}）"


_POLICE = liaison_of("police_id", "只有受移送公安机关的联络员可以答复。")
_PROCURATORATE = liaison_of("procuratorate_id", "只有受理监督的人民检察院的联络员可以答复。")

CRIME_MACHINE = Machine(
    noun="拒执罪移送",
    moves={
        "sign": Move({CrimeReferralState.DRAFTED}, CrimeReferralState.SIGNED, "签发", leader_of("court_id")),
        "send": Move({CrimeReferralState.SIGNED}, CrimeReferralState.SENT, "移送", clerk_of("court_id")),
        "file": Move({CrimeReferralState.SENT}, CrimeReferralState.FILED, "登记立案", _POLICE),
        "refuse": Move({CrimeReferralState.SENT}, CrimeReferralState.REFUSED, "登记不予立案", _POLICE),
        "request_supervision": Move({CrimeReferralState.REFUSED}, CrimeReferralState.SUPERVISION_REQUESTED,
                                    "提请立案监督", court_staff_of("court_id")),
        "supervise": Move({CrimeReferralState.SUPERVISION_REQUESTED}, CrimeReferralState.SUPERVISED,
                          "答复立案监督", _PROCURATORATE),
    },
    related=("case", "debtor", "police", "procuratorate"),
    names={"draft": "起草"},
)


class CrimeReferralEvent(ChoiceLabels, EventBase):
    referral = models.ForeignKey(CrimeReferral, verbose_name="拒执罪移送", on_delete=models.PROTECT,
                                 related_name="events")

    ACTIONS = {**{action: move.label for action, move in CRIME_MACHINE.moves.items()}, **CRIME_MACHINE.names}
    STATES = CrimeReferralState

    class Meta(EventBase.Meta):
        verbose_name = "拒执罪移送记录"
        verbose_name_plural = "拒执罪移送记录"
        ordering = ["referral_id", "at", "id"]


CRIME_MACHINE.event_model, CRIME_MACHINE.event_field = CrimeReferralEvent, "referral"


class CrimeReferralUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's direct foreign-key permission of a user on one referral (the procuratorate's grant)."""

    content_object = models.ForeignKey(CrimeReferral, on_delete=models.CASCADE)

    # guardian's manager (assign_perm, remove_perm) over the project's audited queryset.
    objects = UserObjectPermissionManager.from_queryset(AuditedQuerySet)()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "拒执罪移送对象权限（用户）"
        verbose_name_plural = verbose_name


class CrimeReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CrimeReferral, on_delete=models.CASCADE)

    objects = GroupObjectPermissionManager.from_queryset(AuditedQuerySet)()

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "拒执罪移送对象权限（组）"
        verbose_name_plural = verbose_name


class DisciplineState(models.TextChoices):
    DRAFTED = "drafted", "草稿"
    SENT = "sent", "已移送待答复"
    ANSWERED = "answered", "已答复"


class DisciplineAnswer(models.TextChoices):
    INVESTIGATION = "investigation", "立案审查调查"
    SANCTION = "sanction", "给予处分"
    NO_ACTION = "no_action", "不予处理"


class DisciplineReferralQuerySet(ReferralQuerySet):
    unit_field = "unit_id"


class DisciplineReferral(ChoiceLabels, models.Model):
    """The court's referral of a party member or public official (a debtor flagged as such) to the discipline and
    supervision body of the roster: facts, evidence and the ruling; the body's answer."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                             related_name="discipline_referrals")
    court = models.ForeignKey("members.Organisation", verbose_name="执行法院", on_delete=models.PROTECT,
                              related_name="+")
    party = models.ForeignKey("cases.Party", verbose_name="当事人", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("members.Organisation", verbose_name="纪检监察机关", on_delete=models.PROTECT,
                             related_name="discipline_referrals")
    facts = BoundedTextField("违纪违法事实", max_chars=TEXT_MAX)
    evidence = models.JSONField("证据清单", default=list)
    ruling_number = models.CharField("执行依据文号", max_length=60)
    state = models.CharField("状态", max_length=20, choices=DisciplineState.choices, default=DisciplineState.DRAFTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField("移送时间", null=True, blank=True)
    due_at = models.DateTimeField("答复期限", null=True, blank=True)
    answer = models.CharField("处理结果", max_length=20, choices=DisciplineAnswer.choices, blank=True)
    answer_text = BoundedTextField("答复内容", blank=True, max_chars=REASON_MAX)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DisciplineReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "纪检监察移送"
        verbose_name_plural = "纪检监察移送"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(state="answered") | (~Q(answer="") & ~Q(answer_text="")),
                                   name="discipline_answer_complete"),
        ]

    def __str__(self):
        return f"纪检监察移送第{self.pk}号（{self.party.name}）"


DISCIPLINE_MACHINE = Machine(
    noun="纪检监察移送",
    moves={
        # The leader signs and sends in one step (the letter goes out under the leader's signature).
        "send": Move({DisciplineState.DRAFTED}, DisciplineState.SENT, "签发移送", leader_of("court_id")),
        "answer": Move({DisciplineState.SENT}, DisciplineState.ANSWERED, "答复",
                       liaison_of("unit_id", "只有受移送纪检监察机关的联络员可以答复。")),
    },
    related=("case", "party", "unit"),
    names={"draft": "起草"},
)


class DisciplineReferralEvent(ChoiceLabels, EventBase):
    referral = models.ForeignKey(DisciplineReferral, verbose_name="纪检监察移送", on_delete=models.PROTECT,
                                 related_name="events")

    ACTIONS = {**{action: move.label for action, move in DISCIPLINE_MACHINE.moves.items()},
               **DISCIPLINE_MACHINE.names}
    STATES = DisciplineState

    class Meta(EventBase.Meta):
        verbose_name = "纪检监察移送记录"
        verbose_name_plural = "纪检监察移送记录"
        ordering = ["referral_id", "at", "id"]


DISCIPLINE_MACHINE.event_model, DISCIPLINE_MACHINE.event_field = DisciplineReferralEvent, "referral"
