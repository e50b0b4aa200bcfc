"""Forms of the grace panel on a listing's page: they parse input; the rules are the services'."""

import datetime
import re

from django import forms
from django.utils import timezone

from cases.forms import BootstrapFormMixin
from linkage.text import REASON_MAX, TEXT_MAX, FormTextField

from ..models import Promisor
from .services import MAX_INSTALMENTS, default_months, max_months

LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[\s,，、:：]+(?:人民币)?([0-9][0-9,]*(?:\.[0-9]+)?)\s*元?$")


def parse_schedule(text):
    """Lines "日期 金额" (2027-01-15 5000) → [{"due_on", "amount"}], or ValidationError naming the line."""
    rows = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_INSTALMENTS:
        raise forms.ValidationError(f"分期最多{MAX_INSTALMENTS}期。")
    for number, line in enumerate(lines, start=1):
        match = LINE.match(line)
        if not match:
            raise forms.ValidationError(f"第{number}行应为“日期 金额”，如“2027-01-15 5000”。")
        try:
            due_on = datetime.date.fromisoformat("-".join(f"{int(part):02d}" for part in match[1].split("-")))
        except ValueError:
            raise forms.ValidationError(f"第{number}行的日期不存在：{match[1]}。")
        rows.append({"due_on": due_on, "amount": match[2].replace(",", "")})
    if not rows:
        raise forms.ValidationError("请填写履行日期和金额（按期一次履行的填写一行）。")
    return rows


class GrantForm(BootstrapFormMixin, forms.Form):
    promisor = forms.ChoiceField(label="承诺人", choices=Promisor.choices, initial=Promisor.DEBTOR)
    promise = FormTextField(max_chars=TEXT_MAX, label="书面履行承诺", widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": "请填写书面履行承诺的内容。"})
    promised_on = forms.DateField(label="承诺日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"required": "请填写承诺日期。", "invalid": "日期格式不正确。"})
    months = forms.IntegerField(label="暂缓期限（月）", required=False,
                                error_messages={"invalid": "暂缓期限应为整月数。"})
    instalments = forms.CharField(
        label="履行计划", widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2027-01-15 5000\n2027-02-15 5000"}),
        help_text=f"每行一期：应履行日期 金额（元）；按期一次履行的填一行；最多{MAX_INSTALMENTS}期，均应在暂缓期内",
        error_messages={"required": "请填写履行日期和金额（按期一次履行的填写一行）。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].help_text = f"不填为{default_months()}个月，最长{max_months()}个月，自今日起算"
        self.fields["promised_on"].initial = timezone.localdate()

    def clean_instalments(self):
        return parse_schedule(self.cleaned_data["instalments"])


class PayForm(BootstrapFormMixin, forms.Form):
    instalment = forms.TypedChoiceField(label="期次", coerce=int, choices=(),
                                        error_messages={"required": "请选择期次。", "invalid_choice": "请选择未履行的期次。"})
    paid_on = forms.DateField(label="实际履行日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"required": "请填写实际履行日期。", "invalid": "日期格式不正确。"})
    paid_amount = forms.DecimalField(label="实际履行金额（元）", max_digits=16, decimal_places=2,
                                     error_messages={"required": "请填写实际履行金额。", "invalid": "金额应为数字。",
                                                     "max_decimal_places": "金额最多保留两位小数。",
                                                     "max_digits": "金额过大。", "max_whole_digits": "金额过大。"})

    def __init__(self, *args, grace, **kwargs):
        super().__init__(*args, **kwargs)
        unpaid = grace.instalments.filter(paid_on__isnull=True).order_by("number")
        self.fields["instalment"].choices = [(item.pk, f"第{item.number}期（{item.due_on:%Y-%m-%d}前，{item.amount}元）")
                                             for item in unpaid]
        self.fields["paid_on"].initial = timezone.localdate()


class FulfilForm(BootstrapFormMixin, forms.Form):
    reason = FormTextField(max_chars=REASON_MAX, label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lifting_ruling_number = forms.CharField(label="解除裁定书文号", required=False, max_length=80,
                                            help_text="案件尚有生效的协助执行措施时必填（结案后逐项解除）")


class BreakForm(BootstrapFormMixin, forms.Form):
    reason = FormTextField(max_chars=REASON_MAX, label="未按承诺履行的情况", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请写明未按承诺履行的情况。"})
