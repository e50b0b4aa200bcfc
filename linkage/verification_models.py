"""The register of issued documents (issue 24): every document the product issues is frozen here at issue — its
exact PDF bytes, their SHA-256, what it prints (number, issuer, addressee, date) and its current status — under a
random verification code printed on it with a QR code, which anyone checks at `/verify/` (linkage.verification)."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from linkage.audit import AuditedQuerySet
from linkage.text import REASON_MAX, BoundedTextField


class IssuedDocumentKind(models.TextChoices):
    """Every kind of document the product issues (issue 24 item 1); each app applies its own."""

    ASSISTANCE_NOTICE = "assistance_notice", "协助执行通知书"
    LIFTING_NOTICE = "lifting_notice", "解除协助执行通知书"
    RENEWAL_NOTICE = "renewal_notice", "续行查封（冻结）通知书"
    RESTRICTION_ORDER = "restriction_order", "限制消费令"
    CREDIT_REPAIR_CERTIFICATE = "credit_repair_certificate", "信用修复证明"
    CREDIT_REPORT = "credit_report", "司法信用报告"
    MEETING_MINUTES = "meeting_minutes", "会议纪要"
    MEETING_NOTICE = "meeting_notice", "会议通知"
    ANNUAL_REPORT = "annual_report", "年度工作报告"
    SCOREBOARD = "scoreboard", "考核结果通报"
    BRIEFING = "briefing", "工作简报"
    SUGGESTION_LETTER = "suggestion_letter", "司法建议书"
    CRIME_REFERRAL = "crime_referral", "涉嫌拒不执行判决、裁定罪移送函"
    ACCOUNTABILITY = "accountability", "责任追究文书"


class IssuedDocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", "有效"
    LIFTED = "lifted", "已解除"
    WITHDRAWN = "withdrawn", "已撤回"
    SUPERSEDED = "superseded", "已被替代"


class IssuedDocumentQuerySet(AuditedQuerySet):
    def without_content(self):
        """Rows without their PDF bytes: what every list and check reads."""
        return self.defer("content")

    def current(self):
        """The rows not superseded by a re-issue."""
        return self.exclude(status=IssuedDocumentStatus.SUPERSEDED)


class IssuedDocument(models.Model):
    """One issued document, frozen: the bytes the addressee received and what the check page may say about it —
    nothing beyond what the document itself prints (never a debtor's identity number, never an amount).

    `content` is stored in the database so that issuing is one transaction with the move that issues it; it is read
    only to serve the document (`without_content()` everywhere else)."""

    code = models.CharField("核验码", max_length=12, unique=True)
    kind = models.CharField("文书类型", max_length=40, choices=IssuedDocumentKind.choices)
    document_number = models.CharField("文书编号", max_length=120)
    issuer_code = models.CharField("签发机关代码", max_length=50)
    issuer_name = models.CharField("签发机关", max_length=120)
    addressee = models.CharField("主送单位", max_length=200)
    issued_on = models.DateField("签发日期")
    sha256 = models.CharField("SHA-256", max_length=64)
    content = models.BinaryField("文书PDF")
    status = models.CharField(
        "状态", max_length=12, choices=IssuedDocumentStatus.choices, default=IssuedDocumentStatus.IN_FORCE
    )
    status_note = BoundedTextField("状态说明", blank=True, max_chars=REASON_MAX)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="替代文书", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, verbose_name="来源类型", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField("来源编号")
    source = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField("签发登记时间", auto_now_add=True)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "已签发文书"
        verbose_name_plural = "已签发文书（核验）"
        ordering = ["-created_at", "-id"]
        # An uploaded file is found by its hash when no code is typed (`verification.lookup_file`).
        indexes = [models.Index(fields=["sha256"], name="issued_document_sha256")]
        constraints = [
            # One current document of each kind per source: a re-issue supersedes the old row first.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=~models.Q(status="superseded"),
                name="issued_document_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=IssuedDocumentStatus.values), name="issued_document_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.document_number}（核验码 {self.grouped_code}）"

    @property
    def grouped_code(self):
        """7KQ4-M9XD-2PWR: the code as printed and typed."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
