"""The dishonest-debtor list (失信被执行人名单, 法释〔2017〕7号): listings with their published fields, their
state machine and events. The events are also the push feed to joint-punishment units: every publish, delete,
revoke, shield, correct and expiry is one `ListingEvent`, written in commit order (see `ListingMachine`), so a
unit that reads the feed from a cursor misses nothing and sees nothing twice.

Each stateful model's moves, and the role who may make each, are one `linkage.statemachine.Machine` here:
`LISTING_MACHINE`, `CORRECTION_MACHINE`, `RESTRICTION_MACHINE`. Services move through them; pages and the API ask
them which actions to offer. (The special-debtor notification duty is a filing duty: in `cases`.)
The models are shared by the sub-packages (listings, corrections, screening, public, restrictions)."""

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from linkage.audit import AuditedQuerySet
from linkage.dates import PastDateValidator
from linkage.statemachine import EventBase, Machine, Move, Role, court_staff_of, leader_of
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField, NameValidator

from .correction_machine import CorrectionMachine
from .listings.snapshot import snapshot_of
from .restriction_machine import RestrictionMachine
from .webhooks import listing_pushed


class ListingGround(models.IntegerChoices):
    REFUSES = 1, "有履行能力而拒不履行生效法律文书确定义务"
    OBSTRUCTS = 2, "以伪造证据、暴力、威胁等方法妨碍、抗拒执行"
    EVADES = 3, "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行"
    REPORT = 4, "违反财产报告制度"
    CONSUMPTION = 5, "违反限制消费令"
    SETTLEMENT = 6, "无正当理由拒不履行执行和解协议"


class ListingState(models.TextChoices):
    PROPOSED = "proposed", "待审批"
    PUBLISHED = "published", "已发布"
    SHIELDED = "shielded", "已屏蔽"
    DELETED = "deleted", "已删除"
    REVOKED = "revoked", "已撤销"
    EXPIRED = "expired", "已到期"
    WITHDRAWN = "withdrawn", "已撤回"
    # Punishment suspended: a grace granted on a written promise to pay (off the public search, pushed as suspended,
    # its restriction order paused), or a credit repair that suspends the listing. Never published when the grace
    # was granted before approval (`published_on` is empty).
    SUSPENDED = "suspended", "暂缓惩戒"


# States in which the debtor is on the public list and punished.
ACTIVE_STATES = (ListingState.PUBLISHED,)

# Who may move a listing: its court's bureau leader approves; its court's staff (clerks and leaders) make the other
# moves; expiry is the periodic task's alone (no user is offered it).
COURT_LEADER = leader_of("court_id", "只有本院执行局领导可以批准。")
COURT_STAFF = court_staff_of("court_id", "只有本院执行人员可以办理。")
SYSTEM = Role(lambda actor, obj: False, "到期移出由系统办理。")
# Suspending and resuming punishment are made only by a grace's or a credit repair's decision, whose own table says who
# may make it (blacklist.credit_models); no user is offered them on the listing.
BY_DECISION = Role(lambda actor, obj: False, "暂缓惩戒、恢复惩戒须通过暂缓或信用修复决定办理。")

# States in which the listing is on the list (published, shielded or suspended): it can still leave it.
LIVE = (ListingState.PUBLISHED, ListingState.SHIELDED, ListingState.SUSPENDED)
LISTING_MOVES = {
    "approve": Move({ListingState.PROPOSED}, ListingState.PUBLISHED, "批准发布", COURT_LEADER),
    "withdraw": Move({ListingState.PROPOSED}, ListingState.WITHDRAWN, "撤回", COURT_STAFF),
    "shield": Move({ListingState.PUBLISHED}, ListingState.SHIELDED, "屏蔽", COURT_STAFF),
    "unshield": Move({ListingState.SHIELDED}, ListingState.PUBLISHED, "解除屏蔽", COURT_STAFF),
    "delete": Move(LIVE, ListingState.DELETED, "删除", COURT_STAFF),
    "revoke": Move(LIVE, ListingState.REVOKED, "撤销", COURT_STAFF),
    "expire": Move(LIVE, ListingState.EXPIRED, "到期移出", SYSTEM),
    # Grace (暂缓采取失信惩戒措施) and credit repair suspend punishment, before or after publication; a broken grace
    # resumes it (published on that day when it never was). Their services check the actor (BY_DECISION).
    "suspend": Move({ListingState.PROPOSED, ListingState.PUBLISHED}, ListingState.SUSPENDED, "暂缓惩戒", BY_DECISION),
    "resume": Move({ListingState.SUSPENDED}, ListingState.PUBLISHED, "恢复惩戒", BY_DECISION),
    # A correction of the published fields keeps the state.
    "correct": Move({ListingState.PROPOSED, *LIVE}, None, "更正", COURT_STAFF),
}
# Steps of a listing's history that are not moves: its creation, and a deletion ground recorded for the clerk.
LISTING_NAMES = {"propose": "提请纳入", "removal_due": "出现删除事由"}
# The moves joint-punishment units must learn of: their events are the push feed.
PUSHED_ACTIONS = frozenset({"approve", "shield", "unshield", "delete", "revoke", "expire", "correct", "suspend",
                            "resume"})


class DeletionGround(models.TextChoices):
    """法释〔2017〕7号 art. 10: deleted within 3 working days of the ground arising."""

    PERFORMED = "performed", "被执行人已履行全部义务"
    SETTLEMENT_PERFORMED = "settlement_performed", "当事人达成执行和解协议且已履行完毕"
    APPLICANT_REQUEST = "applicant_request", "申请执行人书面申请删除，人民法院审查同意"
    NO_PROPERTY = "no_property", "终结本次执行程序后，通过网络执行查控系统查询被执行人财产两次以上，未发现有可供执行财产"
    SUSPENDED = "suspended", "因审判监督或破产程序，人民法院依法裁定对失信被执行人中止执行"
    NO_ENFORCEMENT = "no_enforcement", "人民法院依法裁定不予执行"
    TERMINATED = "terminated", "人民法院依法裁定终结执行"
    CREDIT_REPAIRED = "credit_repaired", "被执行人申请信用修复，经人民法院审查准予提前删除"


class Listing(models.Model):
    """One debtor's listing in one case. The published fields are copied from the case when the listing is
    proposed and frozen there: they are what was published, whatever the case says later."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="listings")
    debtor = models.ForeignKey("cases.Party", verbose_name="被执行人", on_delete=models.PROTECT, related_name="listings")
    court = models.ForeignKey("members.Organisation", verbose_name="执行法院", on_delete=models.PROTECT,
                              related_name="listings")
    ground = models.PositiveSmallIntegerField("失信情形", choices=ListingGround.choices)
    facts = BoundedTextField("失信行为具体情形", max_chars=TEXT_MAX)
    period_years = models.PositiveSmallIntegerField("纳入期限（年）", null=True, blank=True,
                                                    help_text="第二至六项情形为2年，情节严重的可延长1至3年；第一项不设期限")
    state = models.CharField("状态", max_length=20, choices=ListingState.choices, default=ListingState.PROPOSED)
    # Published fields (法释〔2017〕7号 art. 6).
    name = models.CharField("姓名或名称", max_length=100, validators=[NameValidator("姓名或名称")])
    name_pinyin = models.CharField("姓名拼音", max_length=300, blank=True, db_index=True,
                                   help_text="无声调全拼，用于同音字建议")
    id_number = models.CharField("公民身份号码", max_length=18, blank=True, db_index=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    legal_representative = models.CharField(
        "法定代表人或负责人", max_length=30, blank=True, validators=[NameValidator("法定代表人或负责人")]
    )
    sex = models.CharField("性别", max_length=2, blank=True)
    age = models.PositiveSmallIntegerField("年龄", null=True, blank=True)
    obligation = BoundedTextField("生效法律文书确定的义务", max_chars=TEXT_MAX)
    performed_amount = models.DecimalField("已履行（元）", max_digits=16, decimal_places=2)
    unperformed_amount = models.DecimalField("未履行（元）", max_digits=16, decimal_places=2)
    basis_issuer = models.CharField("执行依据制作单位", max_length=100)
    basis_number = models.CharField("执行依据文号", max_length=80)
    case_number = models.CharField("案号", max_length=60)
    filed_on = models.DateField("立案时间", validators=[PastDateValidator("立案时间")])
    court_name = models.CharField("执行法院", max_length=100)
    decided_on = models.DateField("决定日期", validators=[PastDateValidator("决定日期")])
    published_on = models.DateField("发布时间", null=True, blank=True)
    ends_on = models.DateField("届满日期", null=True, blank=True)
    # Workflow.
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提请人", on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField("提请时间", auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    deletion_ground = models.CharField("删除事由", max_length=30, choices=DeletionGround.choices, blank=True)
    ground_arose_on = models.DateField("事由发生日期", null=True, blank=True, validators=[PastDateValidator("事由发生日期")])
    # Who asked (法释〔2017〕7号 arts. 5, 10): the applicant who applied for the listing (none: of the court's own
    # motion), and the applicant whose written request the deletion granted; rules in listings/rules.py.
    applicant = models.ForeignKey("cases.Party", verbose_name="申请纳入的申请执行人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField("申请纳入日期", null=True, blank=True, validators=[PastDateValidator("申请纳入日期")])
    deletion_applicant = models.ForeignKey("cases.Party", verbose_name="申请删除的申请执行人", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    deletion_requested_on = models.DateField("书面申请删除日期", null=True, blank=True,
                                             validators=[PastDateValidator("书面申请删除日期")])
    removal_due_at = models.DateTimeField("应删除期限", null=True, blank=True,
                                          help_text="删除、撤销或到期后应在3个工作日内完成")
    ended_at = models.DateTimeField("移出名单时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "失信被执行人名单"
        verbose_name_plural = "失信被执行人名单"
        ordering = ["-proposed_at", "-id"]
        indexes = [
            # The public search's order (name, newest first): a page reads its 20 rows, not every listing of the
            # names it matches, to sort them. The search bounds the name with a range (blacklist/public.py
            # _name_filter) that this index serves under any collation. No varchar_pattern_ops index beside it: with
            # the search's literal values the planner chose that one for LIKE 'prefix%' and sorted every match
            # (15,500 for a common 2-character name at 10,000,000 listings, 21-91 ms; issue 18).
            models.Index(fields=["state", "name", "-published_on", "-id"], name="listing_state_name_published"),
            # Homophones of a searched name: distinct names of one pinyin, in name order, from the index alone.
            models.Index(fields=["state", "name_pinyin", "name"], name="listing_state_pinyin_name"),
            models.Index(fields=["court", "state"], name="listing_court_state"),
            models.Index(fields=["state", "ends_on"], name="listing_state_ends"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["debtor", "case"], condition=Q(state__in=["proposed", "published",
                                                                                       "shielded", "suspended"]),
                                    name="one_live_listing_per_debtor_and_case",
                                    violation_error_message="该被执行人在本案中已有尚未移出的失信名单记录。"),
            models.CheckConstraint(condition=Q(ground=1, period_years__isnull=True) | Q(ground__gte=2, ground__lte=6,
                                                                                      period_years__gte=2,
                                                                                      period_years__lte=5),
                                   name="listing_period_matches_ground"),
            models.CheckConstraint(condition=Q(applicant__isnull=True, applied_on__isnull=True)
                                   | Q(applicant__isnull=False, applied_on__isnull=False), name="listing_applied_with_date"),
            models.CheckConstraint(condition=Q(deletion_applicant__isnull=True, deletion_requested_on__isnull=True)
                                   | Q(deletion_applicant__isnull=False, deletion_requested_on__isnull=False,
                                       deletion_ground="applicant_request"), name="listing_deletion_request_recorded"),
        ]

    def __str__(self):
        return f"{self.name}（{self.case_number}）"

    @property
    def identifier(self):
        return self.id_number or self.credit_code


class ListingEvent(EventBase):
    """One step of a listing's history, and one entry of the push feed when `pushed` is true. Rows are written
    under a transaction-level advisory lock, so their ids become visible in increasing order: a reader that keeps
    the last id it has seen never misses an event that commits later with a smaller id."""

    listing = models.ForeignKey(Listing, verbose_name="名单", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)  # the table's column as it was created
    pushed = models.BooleanField("推送联合惩戒单位", default=False, db_index=True)
    # What the units received (pushed events only): the listing's published fields as they were at the event.
    published_fields = models.JSONField("推送时的公布信息", null=True, blank=True, default=None)
    # True for events pushed before snapshots were kept: filled from the listing's fields at the migration.
    published_fields_backfilled = models.BooleanField("公布信息为补录", default=False)

    ACTIONS = {**{action: move.label for action, move in LISTING_MOVES.items()}, **LISTING_NAMES}
    STATES = ListingState

    class Meta(EventBase.Meta):
        verbose_name = "名单记录"
        verbose_name_plural = "名单记录"
        ordering = ["id"]  # the feed's order
        # The acknowledgement-reminder scan reads the pushed events of its look-back window by time.
        indexes = [models.Index(fields=["at"], condition=Q(pushed=True), name="listing_event_pushed_at")]


FEED_LOCK_KEY = 7_201_700  # any constant: the advisory lock that orders feed events


def feed_lock():
    """Serialise the transactions that write pushed events, so ids commit in increasing order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK_KEY])


class ListingMachine(Machine):
    """The listing's table, whose events of `PUSHED_ACTIONS` are feed entries, written under the feed lock (a
    correction of a never-published listing passes `pushed=False`: nobody holds its data), each with the listing's
    published fields as they are at that moment (`published_fields`, what the units received)."""

    def record(self, obj, action, actor, *, pushed=None, **kwargs):
        pushed = action in PUSHED_ACTIONS if pushed is None else pushed
        if pushed:
            feed_lock()
            kwargs["published_fields"] = snapshot_of(obj, kwargs.get("to_state"))
        return listing_pushed(super().record(obj, action, actor, pushed=pushed, **kwargs))

    def move(self, obj, action, actor, **kwargs):
        """The move; when it takes the listing off the list (deleted, revoked, expired), a grace still running on
        it ends with it (`GRACE_MACHINE` "end", its own event), so no grace runs on a listing that is gone; the grid
        liaison of the debtor's community is told when it came onto or went off the published list."""
        from .credit_models import GRACE_MACHINE, GracePeriod, GraceState
        from .restrictions.posting import tell_grid_liaison

        was_published = obj.state == ListingState.PUBLISHED
        obj = super().move(obj, action, actor, **kwargs)
        tell_grid_liaison(obj, was_published=was_published)
        if obj.state not in LIVE and obj.state != ListingState.PROPOSED:
            for grace in GracePeriod.objects.select_for_update().filter(listing=obj, state=GraceState.GRANTED):
                GRACE_MACHINE.move(grace, "end", actor, role=False, ended_at=timezone.now(),
                                   reason=f"名单已{obj.get_state_display()}", data={"listing_action": action})
        return obj


LISTING_MACHINE = ListingMachine(noun="名单", moves=LISTING_MOVES, names=LISTING_NAMES, event_model=ListingEvent,
                                 event_field="listing")


class ListingAcknowledgement(models.Model):
    """A joint-punishment unit's liaison confirms it received a pushed event; unacknowledged pushes are reminded."""

    event = models.ForeignKey(ListingEvent, verbose_name="推送记录", on_delete=models.PROTECT,
                              related_name="acknowledgements")
    unit = models.ForeignKey("members.Organisation", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签收人", on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField("签收时间", auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "名单推送签收"
        verbose_name_plural = "名单推送签收"
        constraints = [models.UniqueConstraint(fields=["event", "unit"], name="one_ack_per_event_and_unit")]

    def __str__(self):
        return f"{self.unit_id} 签收 {self.event_id}"


class ScreeningSource(models.TextChoices):
    SINGLE = "single", "单个查询"
    UPLOAD = "upload", "批量上传"
    API = "api", "接口"


class ScreeningBatch(models.Model):
    """A unit screens applicants against the published list (one applicant, an uploaded file, or its system)."""

    unit = models.ForeignKey("members.Organisation", verbose_name="单位", on_delete=models.PROTECT,
                             related_name="screenings")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    source = models.CharField("方式", max_length=10, choices=ScreeningSource.choices)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    total = models.PositiveIntegerField("人数", default=0)
    hits = models.PositiveIntegerField("命中", default=0)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "失信筛查"
        verbose_name_plural = "失信筛查"
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"筛查 {self.pk}（{self.total}人，命中{self.hits}）"


class ScreeningResult(models.Model):
    """One applicant of a screening. A hit names the listing; hits are the feedback the listing's court sees."""

    batch = models.ForeignKey(ScreeningBatch, verbose_name="筛查", on_delete=models.PROTECT, related_name="results")
    row_number = models.PositiveIntegerField("行号")
    name = models.CharField("姓名或名称", max_length=100)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    hit = models.BooleanField("命中", default=False)
    name_matches = models.BooleanField("姓名一致", default=False)
    listing = models.ForeignKey(Listing, verbose_name="名单", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="screening_hits")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "筛查结果"
        verbose_name_plural = "筛查结果"
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["listing"], name="screening_hit_listing")]

    def __str__(self):
        return f"{self.row_number}. {self.name}"


class ScreeningHit(models.Model):
    """One published listing an applicant's identifier matched. When several courts (or one court in several cases)
    have listed the same identifier, the applicant matches each listing: every one of them shows the feedback and
    every one of their courts is told. `ScreeningResult.listing` is the one listing shown to the screening unit."""

    result = models.ForeignKey(ScreeningResult, verbose_name="筛查结果", on_delete=models.PROTECT,
                               related_name="matches")
    listing = models.ForeignKey(Listing, verbose_name="名单", on_delete=models.PROTECT,
                                related_name="screening_matches")
    name_matches = models.BooleanField("姓名一致", default=False)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "筛查命中反馈"
        verbose_name_plural = "筛查命中反馈"
        constraints = [models.UniqueConstraint(fields=["result", "listing"], name="one_hit_per_result_and_listing")]
        indexes = [models.Index(fields=["listing", "result"], name="screening_match_listing")]

    def __str__(self):
        return f"{self.result_id} → {self.listing_id}"


class RestrictionState(models.TextChoices):
    ACTIVE = "active", "生效"
    LIFTED = "lifted", "已解除"
    PAUSED = "paused", "暂停执行"  # while its listing's punishment is suspended by a grace


class RestrictionOrder(models.Model):
    """A consumption-restriction order (限制消费令, 法释〔2015〕17号). Every published listing carries one; a clerk can
    also issue one without listing. For an organisation it binds its legal representative, main person in charge,
    directly responsible persons and actual controller (`bound_persons`: [{"role", "name", "id_number"}])."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                             related_name="restriction_orders")
    debtor = models.ForeignKey("cases.Party", verbose_name="被执行人", on_delete=models.PROTECT,
                               related_name="restriction_orders")
    listing = models.OneToOneField(Listing, verbose_name="失信名单", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="restriction_order")
    bound_persons = models.JSONField("受约束人员", default=list, blank=True)
    issued_on = models.DateField("发布日期", validators=[PastDateValidator("发布日期")])
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT,
                                  related_name="+")
    state = models.CharField("状态", max_length=10, choices=RestrictionState.choices, default=RestrictionState.ACTIVE)
    lifted_on = models.DateField("解除日期", null=True, blank=True, validators=[PastDateValidator("解除日期")])
    lift_reason = BoundedTextField("解除理由", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "限制消费令"
        verbose_name_plural = "限制消费令"
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return f"限制消费令（{self.debtor}）"


# An order is lifted by a clerk of the case's court, or with its listing when that leaves the list (the listing's
# service has checked the actor and passes role=False).
RESTRICTION_CLERK = Role(lambda actor, order: actor.is_clerk and actor.organisation_id == order.case.court_id,
                         "只有本院执行员可以办理此事项。")
RESTRICTION_MACHINE = RestrictionMachine(noun="限制消费令", state_field="state", related=("case",), moves={
    "lift": Move({RestrictionState.ACTIVE, RestrictionState.PAUSED}, RestrictionState.LIFTED, "解除", RESTRICTION_CLERK),
    # With its listing's grace (the grace's service checks the actor and passes role=False).
    "pause": Move({RestrictionState.ACTIVE}, RestrictionState.PAUSED, "暂停", RESTRICTION_CLERK),
    "resume": Move({RestrictionState.PAUSED}, RestrictionState.ACTIVE, "恢复", RESTRICTION_CLERK),
})


# The special-debtor notification duty (SpecialDebtorNotification) is a filing duty and lives in `cases`.


class CorrectionState(models.TextChoices):
    PENDING = "pending", "待审查"
    CORRECTED = "corrected", "已纠正"
    REJECTED = "rejected", "驳回"


class CorrectionKind(models.TextChoices):
    """What a request about the list says is wrong (the priority queue's kinds, 云府 item 5)."""

    DATA = "inaccurate_data", "信息不准确"
    WRONG_LISTING = "wrong_listing", "错误纳入"
    OBJECTION = "credit_objection", "征信异议"


class CorrectionRequest(models.Model):
    """A debtor's correction request (纠错, 法释〔2017〕7号 art. 11-12): reviewed within 15 days; the applicant may ask
    for reconsideration within 10 days of the decision, which the higher court decides within 15 days."""

    listing = models.ForeignKey(Listing, verbose_name="名单", on_delete=models.PROTECT,
                                related_name="correction_requests")
    applicant = models.CharField("申请人", max_length=100, validators=[NameValidator("申请人")])
    kind = models.CharField("申请类型", max_length=20, choices=CorrectionKind.choices, default=CorrectionKind.DATA)
    # An error the court found itself (no applicant's request): corrected within 3 working days, no reconsideration.
    found_by_court = models.BooleanField("本院发现", default=False)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    content = BoundedTextField("纠正事项和理由", max_chars=TEXT_MAX)
    received_on = models.DateField("收到日期", validators=[PastDateValidator("收到日期")])
    due_on = models.DateField("审查期限")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    state = models.CharField("状态", max_length=20, choices=CorrectionState.choices, default=CorrectionState.PENDING)
    decided_on = models.DateField("审查日期", null=True, blank=True, validators=[PastDateValidator("审查日期")])
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审查人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decision_reason = BoundedTextField("审查意见", blank=True, max_chars=REASON_MAX)
    reconsideration_requested_on = models.DateField(
        "申请复议日期", null=True, blank=True, validators=[PastDateValidator("申请复议日期")]
    )
    reconsideration_due_on = models.DateField("复议期限", null=True, blank=True)
    reconsideration_decided_on = models.DateField(
        "复议决定日期", null=True, blank=True, validators=[PastDateValidator("复议决定日期")]
    )
    reconsideration_result = BoundedTextField("复议结果", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "纠错申请"
        verbose_name_plural = "纠错申请"
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.applicant}的纠错申请（{self.get_state_display()}）"

    @property
    def answered_on_time(self):
        return self.decided_on is not None and self.decided_on <= self.due_on


# The listing's court's staff decide a request and record a reconsideration request.
CORRECTION_STAFF = Role(
    lambda actor, request: actor.is_court_staff and actor.organisation_id == request.listing.court_id,
    COURT_STAFF.message,
)
CORRECTION_MACHINE = CorrectionMachine(noun="纠错申请", related=("listing",), moves={
    "correct": Move({CorrectionState.PENDING}, CorrectionState.CORRECTED, "纠正", CORRECTION_STAFF),
    "reject": Move({CorrectionState.PENDING}, CorrectionState.REJECTED, "驳回", CORRECTION_STAFF),
    "reconsider": Move({CorrectionState.REJECTED}, None, "申请复议", CORRECTION_STAFF),
    # The higher court's decision, recorded by the listing's court: the rejection upheld, or reversed (the request is
    # pending again, to be corrected within 3 working days).
    "uphold": Move({CorrectionState.REJECTED}, None, "复议维持驳回", CORRECTION_STAFF),
    "reverse": Move({CorrectionState.REJECTED}, CorrectionState.PENDING, "复议撤销驳回", CORRECTION_STAFF),
}, refusals={
    "correct": "该纠错申请已审查。",
    "reject": "该纠错申请已审查。",
    "reconsider": "只有被驳回且尚未申请复议的纠错申请可以申请复议。",
    "uphold": "只有已申请复议且尚未登记复议决定的纠错申请可以登记复议决定。",
    "reverse": "只有已申请复议且尚未登记复议决定的纠错申请可以登记复议决定。",
})


from .credit_models import *  # noqa: E402,F401,F403  grace and credit repair (issue 22), in their own module
from .report_models import *  # noqa: E402,F401,F403  the judicial credit report (issue 22), in its own module
