"""The jurisdiction's party and government leaders the committee's briefings are addressed to (荔政法〔2017〕72号
四（二）2: 定期向区党政主要领导……通报). They hold no account: a briefing reaches them by SMS and email with a personal
read link (`meetings.services.briefings`), whose first opening is their read receipt. Kept on the roster by the
administrator; never deleted, deactivated when the post changes hands."""

from django.core.validators import RegexValidator
from django.db import models

from linkage.audit import AuditedQuerySet
from linkage.text import NameValidator

from .validators import MOBILE_RE


class LeaderQuerySet(AuditedQuerySet):
    def current(self, jurisdiction_id):
        return self.filter(jurisdiction_id=jurisdiction_id, active=True).order_by("sort_order", "pk")


class Leader(models.Model):
    jurisdiction = models.ForeignKey("members.Jurisdiction", verbose_name="辖区", on_delete=models.PROTECT,
                                     related_name="leaders")
    name = models.CharField("姓名", max_length=30, validators=[NameValidator("姓名")])
    post = models.CharField("职务", max_length=60, help_text="如：区委书记、区长、区委政法委书记")
    mobile = models.CharField("手机", max_length=20, blank=True,
                              validators=[RegexValidator(MOBILE_RE, "手机号码应为以1开头的11位数字。")])
    email = models.EmailField("电子邮箱", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("在任", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = LeaderQuerySet.as_manager()

    class Meta:
        verbose_name = "党政领导（通报对象）"
        verbose_name_plural = "党政领导（通报对象）"
        ordering = ["jurisdiction", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(mobile="") | ~models.Q(email=""),
                                   name="leader_reachable",
                                   violation_error_message="请至少填写手机或电子邮箱，否则无法送达通报。"),
        ]

    def __str__(self):
        return f"{self.post} {self.name}"
