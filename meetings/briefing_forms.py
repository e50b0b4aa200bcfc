"""Forms of the briefing pages: they parse input only; the rules are the services'."""

from django import forms

from cases.forms import BootstrapFormMixin
from linkage.text import REASON_MAX, TEXT_MAX, FormTextField

from .forms import DATE


class BriefingDraftForm(BootstrapFormMixin, forms.Form):
    period_from = forms.DateField(label="通报期间自", widget=DATE)
    period_to = forms.DateField(label="通报期间至", widget=DATE)
    title = forms.CharField(label="标题", max_length=200, required=False,
                            help_text="留空则按通报期间自动生成。")


def _section(label, required=False):
    return FormTextField(max_chars=TEXT_MAX, label=label, required=required,
                         widget=forms.Textarea(attrs={"rows": 4}))


class BriefingEditForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    opening = _section("导语", required=True)
    scoreboard_text = _section("一、考评情况")
    overdue_text = _section("二、逾期未办理协助执行通知书情况")
    criticism_text = _section("三、通报批评")
    requirements = _section("四、工作要求")


class BriefingWithdrawForm(BootstrapFormMixin, forms.Form):
    reason = FormTextField(max_chars=REASON_MAX, label="撤回理由", widget=forms.Textarea(attrs={"rows": 2}))
