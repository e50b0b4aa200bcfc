"""The dishonest-debtor list (失信被执行人名单, 法释〔2017〕7号): listings with their published fields, their
state machine and events. The events are also the push feed to joint-punishment units: every publish, delete,
revoke, shield, correct and expiry is one `ListingEvent`, written in commit order (see services), so a unit that
reads the feed from a cursor misses nothing and sees nothing twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q


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


# States in which the debtor is on the public list and punished.
ACTIVE_STATES = (ListingState.PUBLISHED,)

LISTING_TRANSITIONS = {
    "approve": ({ListingState.PROPOSED}, ListingState.PUBLISHED),
    "withdraw": ({ListingState.PROPOSED}, ListingState.WITHDRAWN),
    "shield": ({ListingState.PUBLISHED}, ListingState.SHIELDED),
    "unshield": ({ListingState.SHIELDED}, ListingState.PUBLISHED),
    "delete": ({ListingState.PUBLISHED, ListingState.SHIELDED}, ListingState.DELETED),
    "revoke": ({ListingState.PUBLISHED, ListingState.SHIELDED}, ListingState.REVOKED),
    "expire": ({ListingState.PUBLISHED, ListingState.SHIELDED}, ListingState.EXPIRED),
}


class DeletionGround(models.TextChoices):
    """法释〔2017〕7号 art. 10: deleted within 3 working days of the ground arising."""

    PERFORMED = "performed", "被执行人已履行全部义务"
    SETTLEMENT_PERFORMED = "settlement_performed", "当事人达成执行和解协议且已履行完毕"
    APPLICANT_REQUEST = "applicant_request", "申请执行人书面申请删除，人民法院审查同意"
    NO_PROPERTY = "no_property", "终结本次执行程序后，通过网络执行查控系统查询被执行人财产两次以上，未发现有可供执行财产"
    SUSPENDED = "suspended", "因审判监督或破产程序，人民法院依法裁定对失信被执行人中止执行"
    NO_ENFORCEMENT = "no_enforcement", "人民法院依法裁定不予执行"
    TERMINATED = "terminated", "人民法院依法裁定终结执行"


class Listing(models.Model):
    """One debtor's listing in one case. The published fields are copied from the case when the listing is
    proposed and frozen there: they are what was published, whatever the case says later."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="listings")
    debtor = models.ForeignKey("cases.Party", verbose_name="被执行人", on_delete=models.PROTECT, related_name="listings")
    court = models.ForeignKey("members.Organisation", verbose_name="执行法院", on_delete=models.PROTECT,
                              related_name="listings")
    ground = models.PositiveSmallIntegerField("失信情形", choices=ListingGround.choices)
    facts = models.TextField("失信行为具体情形")
    period_years = models.PositiveSmallIntegerField("纳入期限（年）", null=True, blank=True,
                                                    help_text="第二至六项情形为2年，情节严重的可延长1至3年；第一项不设期限")
    state = models.CharField("状态", max_length=20, choices=ListingState.choices, default=ListingState.PROPOSED)
    # Published fields (法释〔2017〕7号 art. 6).
    name = models.CharField("姓名或名称", max_length=100)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True, db_index=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    legal_representative = models.CharField("法定代表人或负责人", max_length=30, blank=True)
    sex = models.CharField("性别", max_length=2, blank=True)
    age = models.PositiveSmallIntegerField("年龄", null=True, blank=True)
    obligation = models.TextField("生效法律文书确定的义务")
    performed_amount = models.DecimalField("已履行（元）", max_digits=16, decimal_places=2)
    unperformed_amount = models.DecimalField("未履行（元）", max_digits=16, decimal_places=2)
    basis_issuer = models.CharField("执行依据制作单位", max_length=100)
    basis_number = models.CharField("执行依据文号", max_length=80)
    case_number = models.CharField("案号", max_length=60)
    filed_on = models.DateField("立案时间")
    court_name = models.CharField("执行法院", max_length=100)
    decided_on = models.DateField("决定日期")
    published_on = models.DateField("发布时间", null=True, blank=True)
    ends_on = models.DateField("届满日期", null=True, blank=True)
    # Workflow.
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提请人", on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField("提请时间", auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    deletion_ground = models.CharField("删除事由", max_length=30, choices=DeletionGround.choices, blank=True)
    ground_arose_on = models.DateField("事由发生日期", null=True, blank=True)
    removal_due_at = models.DateTimeField("应删除期限", null=True, blank=True,
                                          help_text="删除、撤销或到期后应在3个工作日内完成")
    ended_at = models.DateTimeField("移出名单时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "失信被执行人名单"
        verbose_name_plural = "失信被执行人名单"
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["state", "name"], name="listing_state_name"),
            models.Index(fields=["court", "state"], name="listing_court_state"),
            models.Index(fields=["state", "ends_on"], name="listing_state_ends"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["debtor", "case"], condition=Q(state__in=["proposed", "published",
                                                                                       "shielded"]),
                                    name="one_live_listing_per_debtor_and_case",
                                    violation_error_message="该被执行人在本案中已有尚未移出的失信名单记录。"),
            models.CheckConstraint(condition=Q(ground=1, period_years__isnull=True) | Q(ground__gte=2, ground__lte=6,
                                                                                      period_years__gte=2,
                                                                                      period_years__lte=5),
                                   name="listing_period_matches_ground"),
        ]

    def __str__(self):
        return f"{self.name}（{self.case_number}）"

    @property
    def identifier(self):
        return self.id_number or self.credit_code


class ListingEvent(models.Model):
    """One step of a listing's history, and one entry of the push feed when `pushed` is true. Rows are written
    under a transaction-level advisory lock, so their ids become visible in increasing order: a reader that keeps
    the last id it has seen never misses an event that commits later with a smaller id."""

    listing = models.ForeignKey(Listing, verbose_name="名单", on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    reason = models.TextField("理由", blank=True)
    pushed = models.BooleanField("推送联合惩戒单位", default=False, db_index=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = "名单记录"
        verbose_name_plural = "名单记录"
        ordering = ["id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
