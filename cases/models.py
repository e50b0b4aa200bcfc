"""Enforcement cases and their parties (applicants and debtors)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.choices import ChoiceLabels
from linkage.dates import PastDateValidator
from linkage.identifiers import validate_case_number
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField, NameValidator

from .querysets import CaseQuerySet, PartyQuerySet


class CaseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "执行中"
    CONCLUDED = "concluded", "执行完毕"
    TERMINATED_ROUND = "terminated_round", "终结本次执行程序"
    TERMINATED = "terminated", "终结执行"
    SUSPENDED = "suspended", "中止执行"


CONCLUDED_STATUSES = (CaseStatus.CONCLUDED, CaseStatus.TERMINATED, CaseStatus.TERMINATED_ROUND)


class Case(ChoiceLabels, models.Model):
    """An enforcement case (执行案件) of one court. The case number is stored in one canonical form."""

    number = models.CharField("案号", max_length=60, unique=True, validators=[validate_case_number])
    court = models.ForeignKey(
        "members.Organisation",
        verbose_name="执行法院",
        on_delete=models.PROTECT,
        related_name="cases",
        limit_choices_to={"kind": "court"},
    )
    amount = models.DecimalField("申请执行标的（元）", max_digits=16, decimal_places=2)
    performed_amount = models.DecimalField("已履行金额（元）", max_digits=16, decimal_places=2, default=0)
    obligation = BoundedTextField("生效法律文书确定的义务", blank=True, max_chars=TEXT_MAX)
    basis_issuer = models.CharField("执行依据作出单位", max_length=100)
    basis_number = models.CharField("执行依据文号", max_length=80)
    filed_on = models.DateField("立案日期", validators=[PastDateValidator("立案日期")])
    status = models.CharField("案件状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.IN_PROGRESS)
    # The ruling that lifts the case's measures when it is concluded (解除裁定书, e.g. （2026）粤0103执123号之一).
    lifting_ruling_number = models.CharField("解除裁定书文号", max_length=60, blank=True)
    is_major = models.BooleanField("重大、疑难、复杂案件", default=False)
    officer_name = models.CharField("承办人", max_length=30, blank=True, validators=[NameValidator("承办人")])
    officer_phone = models.CharField("承办人联系电话", max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "执行案件"
        verbose_name_plural = "执行案件"
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["court", "-filed_on"], name="case_court_filed")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="case_amount_not_negative"),
            models.CheckConstraint(condition=Q(performed_amount__gte=0), name="case_performed_not_negative"),
        ]

    def __str__(self):
        return self.number

    @property
    def unperformed_amount(self):
        return max(self.amount - self.performed_amount, 0)

    @property
    def is_open(self):
        return self.status in (CaseStatus.IN_PROGRESS, CaseStatus.SUSPENDED)

    @property
    def is_concluded(self):
        """执行完毕、终结执行、终结本次执行程序: the case's measures are lifted and nothing new is sent."""
        return self.status in CONCLUDED_STATUSES


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", "申请执行人"
    DEBTOR = "debtor", "被执行人"


class PartyKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或非法人组织"


class Party(ChoiceLabels, models.Model):
    """An applicant or a debtor of a case: a natural person with a resident ID, or an organisation with a
    unified social credit code and a legal representative. Special-debtor flags carry notification duties
    (楚政法发〔2018〕3号 二（一）-（三）; 法释〔2017〕7号 art. 8)."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="parties")
    role = models.CharField("诉讼地位", max_length=20, choices=PartyRole.choices)
    kind = models.CharField("类型", max_length=20, choices=PartyKind.choices)
    name = models.CharField("姓名或名称", max_length=100, validators=[NameValidator("姓名或名称")])
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    legal_representative = models.CharField(
        "法定代表人或负责人", max_length=30, blank=True, validators=[NameValidator("法定代表人或负责人")]
    )
    address = models.CharField("住所地", max_length=200, blank=True)
    subdistrict = models.ForeignKey(
        "members.Organisation", verbose_name="户籍或住所地街道", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"kind": "subdistrict"}, help_text="用于失信名单进社区公示",
    )
    community = models.ForeignKey(
        "members.Community", verbose_name="户籍或住所地村（居）委会", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="按户籍地址从街道（镇）—村（居）委会目录中选择；街道随之确定",
    )
    is_deputy = models.BooleanField("人大代表", default=False)
    is_cppcc_member = models.BooleanField("政协委员", default=False)
    is_public_servant = models.BooleanField("国家工作人员或国有企业", default=False)
    is_party_government_organ = models.BooleanField("党政机关", default=False)
    position = models.PositiveSmallIntegerField("排序", default=0)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering = ["case_id", "role", "position", "id"]
        indexes = [
            models.Index(fields=["id_number"], name="party_id_number"),
            models.Index(fields=["credit_code"], name="party_credit_code"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="person") & ~Q(id_number="") & Q(credit_code=""))
                | (Q(kind="organisation") & ~Q(credit_code="") & Q(id_number="")),
                name="party_identifier_matches_kind",
                violation_error_message="自然人须填写公民身份号码，组织须填写统一社会信用代码。",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def identifier(self):
        return self.id_number or self.credit_code

    @property
    def identifier_label(self):
        return "公民身份号码" if self.kind == PartyKind.PERSON else "统一社会信用代码"

    @property
    def special_flags(self):
        return [
            field.verbose_name
            for field in self._meta.fields
            if field.name.startswith("is_") and getattr(self, field.name)
        ]


class SpecialDebtorKind(models.TextChoices):
    DEPUTY = "deputy", "人大代表"
    CPPCC = "cppcc", "政协委员"
    PUBLIC_SERVANT = "public_servant", "国家工作人员或国有企业"
    ORGAN = "organ", "党政机关"


class NotificationSubject(models.TextChoices):
    DEBTOR = "debtor", "被执行人本人"
    LEGAL_REPRESENTATIVE = "legal_representative", "被执行人的法定代表人"


class NotificationTrigger(models.TextChoices):
    FILING = "filing", "立案"
    PARTY = "party", "追加或变更当事人"
    MEASURE = "measure", "采取执行措施"
    LISTING = "listing", "提请纳入失信名单"


class NotificationMethod(models.TextChoices):
    LETTER = "letter", "函件"
    ONLINE = "online", "网上通报"
    IN_PERSON = "in_person", "当面通报"


class NotificationLevel(models.TextChoices):
    """The level of the congress, the CPPCC or the body notified (the same codes as `members.OrganisationLevel`)."""

    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省级"
    PREFECTURE = "prefecture", "市（州）级"
    COUNTY = "county", "县（市、区）级"
    TOWNSHIP = "township", "乡镇（街道）"


class SpecialDebtorNotification(models.Model):
    """The court's duty to notify when a debtor, or a debtor's legal representative, is a people's congress deputy
    (→ the standing committee of the congress the deputy sits in), a CPPCC member (→ that CPPCC committee), a civil
    servant or a state-owned enterprise (→ the organisation/personnel department with cadre authority) or a party
    or government organ (→ the superior organ or the committee) (楚政法发〔2018〕3号 二（一）-（三）; 法释〔2017〕7号
    art. 8). A filing duty: the task is opened when the case is filed (or the party added or flagged), and a measure
    or a listing opens it too when it is missing; one per debtor and kind. `done_on` and the rest record the sending.
    The time limit is not stored: it is derived from `created_at` (`cases.special`)."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="special_notifications")
    debtor = models.ForeignKey(Party, verbose_name="被执行人", on_delete=models.PROTECT,
                               related_name="special_notifications")
    kind = models.CharField("类别", max_length=20, choices=SpecialDebtorKind.choices)
    subject = models.CharField("具有特殊身份的人", max_length=30, choices=NotificationSubject.choices,
                               default=NotificationSubject.DEBTOR)
    subject_name = models.CharField("姓名或名称", max_length=100, blank=True)
    trigger = models.CharField("生成原因", max_length=20, choices=NotificationTrigger.choices, blank=True)
    recipient = models.CharField("通报对象", max_length=100)
    recipient_unit = models.ForeignKey(
        "members.Organisation", verbose_name="通报对象（成员单位）", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="从本辖区成员单位名册中选择；名册中没有的，填写通报对象名称",
    )
    recipient_level = models.CharField("通报对象层级", max_length=20, choices=NotificationLevel.choices, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    done_on = models.DateField("通报日期", null=True, blank=True, validators=[PastDateValidator("通报日期")])
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="通报人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    method = models.CharField("通报方式", max_length=20, choices=NotificationMethod.choices, blank=True)
    document_number = models.CharField("通报文书文号", max_length=80, blank=True)
    note = BoundedTextField("通报情况", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "特殊主体通报"
        verbose_name_plural = "特殊主体通报"
        ordering = ["done_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["debtor", "kind"], name="one_notification_per_debtor_kind"),
            models.CheckConstraint(condition=Q(done_on__isnull=True) | Q(done_by__isnull=False),
                                   name="special_notification_done_by_somebody"),
        ]
        indexes = [models.Index(fields=["done_on", "created_at"], name="special_notification_open")]

    def __str__(self):
        return f"{self.debtor} → {self.recipient}"

    @property
    def is_done(self):
        return self.done_on is not None


from .abuse_models import *  # noqa: E402,F401,F403  abuse of process on record (issue 22), in its own module
from .permission_models import *  # noqa: E402,F401,F403  the procuratorate's read grant on a case (issue 23)
