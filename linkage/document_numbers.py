"""发文字号: the document numbers of the committee's and the courts' official documents (GB/T 9704-2012, 7.2.4),
one sequence per issuer and year — 荔政法〔2026〕3号 is the issuer's prefix (机关代字), the year in 〔〕 and the
sequence number, without a leading 第 or zeros.

A number is taken once, under a row lock on the issuing organisation, and is never given back: a document that is
withdrawn or cancelled keeps its row (``withdrawn_at``), so the next document of the year gets the next number.
A number typed by hand (the minutes of a meeting published with an existing number) is entered in the same
register when its prefix and year are the issuer's, so the sequence never hands it out again.

The prefix is the issuer's 机关代字 from ``LINKAGE_DOCUMENT_PREFIXES`` (organisation code → prefix); an
organisation without one uses its short name.
"""

import re

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from linkage.audit import AuditedQuerySet
from linkage.errors import ApplicationError
from linkage.workdays import TIMEZONE

NUMBER_RE = re.compile(r"^(?P<prefix>.+?)〔(?P<year>\d{4})〕(?P<sequence>[1-9]\d*)号$")


class DocumentNumber(models.Model):
    """One number in an issuer's yearly register. ``subject`` names the document it was given to
    (``meetings.meeting:12:notice`` …), so asking twice for the same document returns the same number."""

    issuer = models.ForeignKey("members.Organisation", verbose_name="发文机关", on_delete=models.PROTECT,
                               related_name="document_numbers")
    year = models.PositiveSmallIntegerField("年份")
    sequence = models.PositiveIntegerField("序号")
    prefix = models.CharField("机关代字", max_length=20)
    subject = models.CharField("文件", max_length=100)
    title = models.CharField("标题", max_length=200, blank=True)
    assigned_at = models.DateTimeField("编号时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True,
                                        help_text="撤回的文件保留原文号，文号不再使用。")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "发文字号"
        verbose_name_plural = "发文字号"
        ordering = ["issuer", "-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "sequence"], name="document_number_unique_in_year"),
            models.UniqueConstraint(fields=["subject"], name="document_number_one_per_subject"),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="document_number_sequence_positive"),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return format_number(self.prefix, self.year, self.sequence)


def format_number(prefix, year, sequence):
    return f"{prefix}〔{year}〕{sequence}号"


def issuer_prefix(issuer):
    """The issuer's 机关代字 (荔政法 for the Liwan committee), else its short name."""
    prefixes = getattr(settings, "LINKAGE_DOCUMENT_PREFIXES", {}) or {}
    return prefixes.get(issuer.code) or issuer.short_name


def number_for(subject):
    """The number a document was given, or None (a draft has none)."""
    row = DocumentNumber.objects.filter(subject=subject).first()
    return row.text if row else None


NUMBER_LOCK_KEY = 7_209_704  # with the issuer's id: one issuer numbers its documents one at a time


def _lock_issuer(issuer):
    """Serialise the numbering of one issuer for the rest of the transaction (a transaction-level advisory lock on
    PostgreSQL; SQLite's default takes the database's write lock when the transaction begins)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NUMBER_LOCK_KEY, issuer.pk])
    return issuer


@transaction.atomic
def assign_number(*, issuer, subject, title="", year=None):
    """The document's number: the one it already has, else the issuer's next number of the year (the year of
    issue, Beijing time). Serialised per issuer by an advisory lock (`_lock_issuer`), so two documents issued at the
    same moment never share a number."""
    existing = DocumentNumber.objects.filter(subject=subject).first()
    if existing is not None:
        return existing
    issuer = _lock_issuer(issuer)
    year = year or timezone.localtime(timezone.now(), TIMEZONE).year
    last = DocumentNumber.objects.filter(issuer=issuer, year=year).aggregate(last=Max("sequence"))["last"] or 0
    return DocumentNumber.objects.create(issuer=issuer, year=year, sequence=last + 1, prefix=issuer_prefix(issuer),
                                         subject=subject, title=title[:200])


@transaction.atomic
def register_number(*, issuer, subject, text, title=""):
    """Enter a number typed by hand in the issuer's register, when it is in the issuer's own series (its prefix);
    a number of another series is left alone. A number already taken by another document is refused."""
    match = NUMBER_RE.match(text or "")
    issuer = _lock_issuer(issuer)
    if not match or match["prefix"] != issuer_prefix(issuer):
        return None
    year, sequence = int(match["year"]), int(match["sequence"])
    taken = DocumentNumber.objects.filter(issuer=issuer, year=year, sequence=sequence).first()
    if taken is not None and taken.subject != subject:
        raise ApplicationError(f"文号 {text} 已被使用。", field="document_number")
    if taken is not None:
        return taken
    if DocumentNumber.objects.filter(subject=subject).exists():
        return DocumentNumber.objects.get(subject=subject)
    return DocumentNumber.objects.create(issuer=issuer, year=year, sequence=sequence, prefix=match["prefix"],
                                         subject=subject, title=title[:200])


def withdraw_number(subject):
    """The document is withdrawn: its number stays taken (it is never reused)."""
    DocumentNumber.objects.filter(subject=subject, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
