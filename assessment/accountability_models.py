"""The court's yearly accountability documents of the assessment's year (云浮 items 6, 8, 22).

Three kinds, one table: the report to the committee and the government of the administrative organs that did not
perform judgments (行政机关不履行生效裁判情况报告), the score-deduction letter to the assessment office drafted from
that report once issued (扣分函), and the list of open enforcement cases of public officials sent to the
organisation/personnel department of the roster (涉公职人员未结执行案件通报). A document is generated from the
record into a draft (`AccountabilityRow` copies every figure, so the draft can be edited and the issued document
never changes when the cases do), edited (title, body, a row's remark, a row excluded with its reason), then issued:
frozen, with a number from the court's document-number register (linkage.document_numbers: one series per issuer and year
of issue, never reused). Who
does what: `assessment/accountability_machine.py`. Rows are never deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from linkage.audit import AuditedQuerySet
from linkage.statemachine import EventBase
from linkage.text import REASON_MAX, TEXT_MAX, BoundedTextField


class AccountabilityKind(models.TextChoices):
    ORGANS_REPORT = "organs_report", "行政机关不履行生效裁判情况报告"
    DEDUCTION_LETTER = "deduction_letter", "提请考评扣分函"
    OFFICIALS_LIST = "officials_list", "涉公职人员未结执行案件通报"


class AccountabilityState(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"


ACCOUNTABILITY_ACTIONS = {
    "generate": "生成草稿",
    "edit": "修改正文",
    "edit_row": "修改案件行",
    "issue": "印发",
}


class AccountabilityDocument(models.Model):
    kind = models.CharField("文书类别", max_length=20, choices=AccountabilityKind.choices)
    court = models.ForeignKey("members.Organisation", verbose_name="发文法院", on_delete=models.PROTECT,
                              related_name="+", limit_choices_to={"kind": "court"})
    year = models.PositiveSmallIntegerField("考评年度")
    state = models.CharField("状态", max_length=20, choices=AccountabilityState.choices,
                             default=AccountabilityState.DRAFT)
    title = models.CharField("标题", max_length=100)
    addressee = models.CharField("主送", max_length=200)
    addressee_unit = models.ForeignKey("members.Organisation", verbose_name="主送单位（名册）", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    body = BoundedTextField("正文", blank=True, max_chars=TEXT_MAX)
    source = models.ForeignKey("self", verbose_name="所据报告", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="letters")
    as_of = models.DateTimeField("数据截至")
    document_number = models.CharField("文号", max_length=60, blank=True,
                                       help_text="印发时由本院发文字号登记簿（linkage.document_numbers）编定。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="印发人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度问责文书"
        verbose_name_plural = "年度问责文书"
        ordering = ["-year", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["court", "document_number"], name="accountability_number_unique",
                                    condition=~Q(document_number="")),
            models.UniqueConstraint(fields=["court", "year", "kind"], name="accountability_one_draft",
                                    condition=Q(state="draft")),
            models.CheckConstraint(condition=Q(year__gte=2004), name="accountability_year_known"),
            models.CheckConstraint(condition=Q(state="draft") | (~Q(document_number="") & Q(issued_at__isnull=False)),
                                   name="accountability_issued_numbered"),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def number(self):
        """The document number from the court's register (荔法〔2026〕3号, the year of issue); empty before issuing."""
        return self.document_number

    @property
    def number_subject(self):
        """The document's entry in the court's document-number register."""
        return f"assessment.accountabilitydocument:{self.pk}"

    @property
    def is_draft(self):
        return self.state == AccountabilityState.DRAFT


class AccountabilityRow(models.Model):
    """One case of a document, its figures copied at generation. `deductible`: the organ was still not performing
    at the year's end (it goes into the deduction letter); a row excluded with a reason stays on file, unprinted."""

    document = models.ForeignKey(AccountabilityDocument, verbose_name="文书", on_delete=models.PROTECT,
                                 related_name="rows")
    position = models.PositiveSmallIntegerField("序号")
    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="+")
    debtor = models.ForeignKey("cases.Party", verbose_name="被执行人", on_delete=models.PROTECT, related_name="+")
    debtor_name = models.CharField("被执行人", max_length=100)
    district = models.ForeignKey("members.Jurisdiction", verbose_name="所在县（市、区）", on_delete=models.PROTECT,
                                 related_name="+")
    district_name = models.CharField("所在县（市、区）", max_length=50)
    case_number = models.CharField("案号", max_length=60)
    amount = models.DecimalField("申请执行标的（元）", max_digits=16, decimal_places=2)
    performed = models.DecimalField("已履行（元）", max_digits=16, decimal_places=2)
    unperformed = models.DecimalField("未履行（元）", max_digits=16, decimal_places=2)
    filed_on = models.DateField("立案日期")
    due_on = models.DateField("法定执行期限届满", null=True, blank=True)
    standing = models.CharField("履行情况", max_length=60)
    deductible = models.BooleanField("年末仍未履行", default=False)
    remark = models.CharField("备注", max_length=300, blank=True)
    excluded = models.BooleanField("不列入", default=False)
    exclusion_reason = BoundedTextField("不列入理由", blank=True, max_chars=REASON_MAX)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "文书所列案件"
        verbose_name_plural = "文书所列案件"
        ordering = ["document", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "case", "debtor"], name="accountability_row_once"),
            models.CheckConstraint(condition=Q(excluded=False) | ~Q(exclusion_reason=""),
                                   name="accountability_exclusion_has_reason"),
        ]

    def __str__(self):
        return f"{self.case_number} {self.debtor_name}"


class AccountabilityEvent(EventBase):
    document = models.ForeignKey(AccountabilityDocument, verbose_name="文书", on_delete=models.PROTECT,
                                 related_name="events")
    ACTIONS = ACCOUNTABILITY_ACTIONS
    STATES = AccountabilityState

    class Meta(EventBase.Meta):
        verbose_name = "问责文书记录"
        verbose_name_plural = "问责文书记录"
