"""The member roster: jurisdictions, organisations (courts, the committee, member units), their
contacts in A/B roles with history, contact change requests, and the user accounts."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.dates import PastDateValidator
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField, NameValidator

from .querysets import ContactQuerySet, JurisdictionQuerySet, OrganisationQuerySet


class Jurisdiction(models.Model):
    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("辖区", max_length=50)
    document_number = models.CharField("依据文件文号", max_length=50, blank=True)
    document_title = models.CharField("依据文件标题", max_length=200, blank=True)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True, validators=[PastDateValidator("成文日期")])
    is_reference = models.BooleanField(
        "参考目录", default=False,
        help_text="只列各部门的职责条文供办公室复制到本辖区单位（如法发〔2010〕15号），不是运行中的辖区：不设法院和政法委，"
                  "其单位不在册、不接收通知和推送",
    )

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = "辖区"
        verbose_name_plural = "辖区"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Measure(models.Model):
    """An entry of the measure catalogue (查询、查封、冻结 ...); seeded by migration."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "协助措施"
        verbose_name_plural = "协助措施目录"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class OrganisationKind(models.TextChoices):
    COURT = "court", "人民法院"
    COMMITTEE = "committee", "党委政法委"
    PROCURATORATE = "procuratorate", "人民检察院"
    POLICE = "police", "公安机关"
    DISCIPLINE = "discipline", "纪检监察"
    PERSONNEL = "personnel", "组织人事"
    PUBLICITY = "publicity", "宣传网信"
    CONGRESS = "congress", "人大"
    CPPCC = "cppcc", "政协"
    GOVERNANCE = "governance", "综治文明"
    DEVELOPMENT = "development", "发展改革"
    INDUSTRY = "industry", "工业信息化"
    EDUCATION = "education", "教育"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    JUSTICE = "justice", "司法行政"
    FINANCE = "finance", "财政"
    HUMAN_RESOURCES = "human_resources", "人力资源和社会保障"
    NATURAL_RESOURCES = "natural_resources", "自然资源（国土规划）"
    HOUSING = "housing", "住房和城乡建设"
    TRANSPORT = "transport", "交通运输"
    HEALTH = "health", "卫生计生"
    AUDIT = "audit", "审计"
    LAW_ENFORCEMENT = "law_enforcement", "综合执法"
    LEGAL_AFFAIRS = "legal_affairs", "政府法制"
    TAX = "tax", "税务"
    MARKET_REGULATION = "market_regulation", "市场监管（工商）"
    STATE_ASSETS = "state_assets", "国有资产监管"
    CENTRAL_BANK = "central_bank", "人民银行"
    FINANCIAL_REGULATOR = "financial_regulator", "银行保险监管"
    BANK = "bank", "商业银行"
    INSURER = "insurer", "保险机构"
    HOUSING_FUND = "housing_fund", "住房公积金"
    SUBDISTRICT = "subdistrict", "街道（乡镇）"
    OTHER = "other", "其他部门"


class OrganisationLevel(models.TextChoices):
    NATIONAL = "national", "中央"
    PROVINCIAL = "provincial", "省级"
    PREFECTURE = "prefecture", "市（州）级"
    COUNTY = "county", "县（区）级"
    TOWNSHIP = "township", "街道（乡镇）"


class Organisation(models.Model):
    """A court, the political-legal committee or a member unit of a jurisdiction's joint meeting."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="辖区", on_delete=models.PROTECT, related_name="organisations"
    )
    code = models.SlugField("代码", max_length=50, unique=True, help_text="稳定标识，用于接口和账号名")
    name = models.CharField("全称", max_length=100, validators=[NameValidator("全称")])
    short_name = models.CharField("简称", max_length=50, validators=[NameValidator("简称")])
    kind = models.CharField("类别", max_length=30, choices=OrganisationKind.choices)
    level = models.CharField("层级", max_length=20, choices=OrganisationLevel.choices)
    active = models.BooleanField("在册", default=True)
    duties = BoundedTextField("职责", blank=True, help_text="依据文件中该单位条款的原文", max_chars=TEXT_MAX)
    duties_source = models.CharField("职责出处", max_length=100, blank=True)
    measures = models.ManyToManyField(Measure, verbose_name="可协助措施", blank=True, related_name="organisations")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "成员单位"
        verbose_name_plural = "成员单位"
        ordering = ["jurisdiction", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="organisation_name_unique_in_jurisdiction"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_court(self):
        return self.kind == OrganisationKind.COURT


class ContactRole(models.TextChoices):
    A = "A", "A角"
    B = "B", "B角"
    LEADER = "L", "责任领导"  # 楚政法发〔2018〕3号 五（六）: each unit names a responsible leader; reminded when overdue


# The two fixed liaisons every unit must have (荔政法〔2017〕72号 三（三）); the leader is optional.
LIAISON_ROLES = (ContactRole.A, ContactRole.B)


class Contact(models.Model):
    """Who held the A or B contact role (or the responsible-leader role) of a unit, from when to when. The current
    holder has no end date; the database holds at most one current holder per role and unit."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", on_delete=models.PROTECT, related_name="contacts"
    )
    role = models.CharField("角色", max_length=1, choices=ContactRole.choices)
    name = models.CharField("姓名", max_length=30, validators=[NameValidator("姓名")])
    position = models.CharField("职务", max_length=50, blank=True)
    landline = models.CharField("固定电话", max_length=30, blank=True)
    mobile = models.CharField("手机", max_length=20, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    user = models.ForeignKey(
        "members.User",
        verbose_name="关联账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_records",
    )
    started_on = models.DateField("任职起始")
    ended_on = models.DateField("任职截止", null=True, blank=True)
    change_request = models.ForeignKey(
        "members.ContactChangeRequest",
        verbose_name="依据的变更申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "联系人"
        verbose_name_plural = "联系人"
        ordering = ["organisation", "role", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role"],
                condition=Q(ended_on__isnull=True),
                name="one_current_contact_per_role",
                violation_error_message="该单位已有现任同角色联系人。",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="contact_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.short_name} {self.get_role_display()} {self.name}"

    @property
    def is_current(self):
        return self.ended_on is None


class ChangeRequestState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"
    CANCELLED = "cancelled", "已撤回"


class ContactChangeRequest(models.Model):
    """A unit asks to change its A or B contact; the committee approves or rejects (荔政法〔2017〕72号 三（三））."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="单位", on_delete=models.PROTECT, related_name="contact_change_requests"
    )
    role = models.CharField("角色", max_length=1, choices=ContactRole.choices)
    name = models.CharField("新联系人姓名", max_length=30, validators=[NameValidator("新联系人姓名")])
    position = models.CharField("职务", max_length=50, blank=True)
    landline = models.CharField("固定电话", max_length=30, blank=True)
    mobile = models.CharField("手机", max_length=20, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    reason = BoundedTextField("变更原因", max_chars=REASON_MAX)
    state = models.CharField(
        "状态", max_length=20, choices=ChangeRequestState.choices, default=ChangeRequestState.PENDING
    )
    requested_by = models.ForeignKey(
        "members.User", verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        "members.User", verbose_name="审批人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_reason = BoundedTextField("审批意见", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "联系人变更申请"
        verbose_name_plural = "联系人变更申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role"],
                condition=Q(state="pending"),
                name="one_pending_change_per_role",
                violation_error_message="该单位该角色已有待审批的变更申请。",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.short_name} {self.get_role_display()} → {self.name}（{self.get_state_display()}）"


class UserManager(DjangoUserManager.from_queryset(AuditedQuerySet)):
    """Django's user manager, whose bulk writes are audited like every other model's."""


class UserRole(models.TextChoices):
    CLERK = "clerk", "执行员/书记员"
    LEADER = "leader", "执行局领导"
    LIAISON = "liaison", "成员单位联络员"
    COMMITTEE = "committee", "政法委审核人"
    ADMIN = "admin", "系统管理员"
    GRID = "grid", "网格员"


class User(AbstractUser):
    """An account. Clerks and leaders belong to a court, liaisons to a unit and one contact role,
    committee reviewers to the committee."""

    full_name = models.CharField("姓名", max_length=30, blank=True, validators=[NameValidator("姓名")])
    role = models.CharField("角色", max_length=20, choices=UserRole.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    liaison_role = models.CharField("联络员角色", max_length=1, choices=ContactRole.choices, blank=True)
    mobile = models.CharField("手机", max_length=20, blank=True)
    community = models.ForeignKey(
        "members.Community", verbose_name="所在村（居）委会", null=True, blank=True, on_delete=models.PROTECT,
        related_name="grid_liaisons", help_text="网格员所服务的村（居）委会；所属单位为其所在街道（镇）",
    )
    is_system_account = models.BooleanField(
        "单位系统账户", default=False,
        help_text="成员单位对接系统使用的账户（非自然人）：由管理员创建并命名，其API令牌由管理员签发且不过期。",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="liaison") | (Q(organisation__isnull=False) & ~Q(liaison_role="")),
                name="liaison_has_unit_and_role",
                violation_error_message="联络员必须指定所属单位和A/B角色。",
            ),
            models.CheckConstraint(
                condition=Q(role="liaison") | Q(liaison_role=""),
                name="only_liaison_has_liaison_role",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["clerk", "leader", "committee"]) | Q(organisation__isnull=False),
                name="court_and_committee_users_have_organisation",
                violation_error_message="法院和政法委用户必须指定所属单位。",
            ),
            models.CheckConstraint(
                condition=(Q(role="grid") & Q(community__isnull=False) & Q(organisation__isnull=False))
                | (~Q(role="grid") & Q(community__isnull=True)),
                name="grid_liaison_has_community",
                violation_error_message="网格员必须指定所在村（居）委会及其街道（镇）；其他账号不设村（居）委会。",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def is_clerk(self):
        return self.role == UserRole.CLERK

    @property
    def is_leader(self):
        return self.role == UserRole.LEADER

    @property
    def is_liaison(self):
        return self.role == UserRole.LIAISON

    @property
    def is_committee(self):
        return self.role == UserRole.COMMITTEE

    @property
    def is_administrator(self):
        return self.role == UserRole.ADMIN or self.is_superuser

    @property
    def is_grid(self):
        return self.role == UserRole.GRID

    @property
    def is_court_staff(self):
        return self.role in (UserRole.CLERK, UserRole.LEADER)


class ChatChannelKind(models.TextChoices):
    # The values are linkage.models.DeliveryChannel's chat channels.
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    WEBHOOK = "webhook", "签名Webhook（单位自有系统/政务微信桥接）"


class ChatMessageType(models.TextChoices):
    TEXT = "text", "纯文本"
    MARKDOWN = "markdown", "Markdown"


class ChatChannel(models.Model):
    """A unit's work-chat group (or its own system behind a signed webhook), set up by the administrator. A message
    to the unit's people also goes once to each active channel (linkage/chat.py). The URL (it carries the robot's key
    or access_token) and the secret are shown masked; nothing is deleted: a channel is switched off."""

    organisation = models.ForeignKey(Organisation, verbose_name="单位", on_delete=models.PROTECT,
                                     related_name="chat_channels")
    kind = models.CharField("渠道类型", max_length=10, choices=ChatChannelKind.choices)
    name = models.CharField("名称", max_length=50, help_text="如：公安局执行联动工作群")
    url = models.CharField("Webhook地址", max_length=500,
                           help_text="企业微信：https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…；"
                                     "钉钉：https://oapi.dingtalk.com/robot/send?access_token=…")
    secret = models.CharField("密钥", max_length=200, blank=True,
                              help_text="钉钉“加签”密钥（SEC开头）；签名Webhook的HMAC密钥（必填）。企业微信不需要。")
    msgtype = models.CharField("消息格式", max_length=10, choices=ChatMessageType.choices,
                               default=ChatMessageType.TEXT)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作群渠道"
        verbose_name_plural = "工作群渠道"
        ordering = ["organisation", "id"]

    def __str__(self):
        return f"{self.organisation.short_name} · {self.name}（{self.get_kind_display()}）"

    @property
    def address(self):
        return f"chat:{self.pk}"


from .grid_models import Community, CommunityKind  # noqa: E402,F401
from .leadership_models import Leader  # noqa: E402,F401
from .sms_login_models import SmsLoginCode, SmsLoginCodeState  # noqa: E402,F401
from .webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent  # noqa: E402,F401
