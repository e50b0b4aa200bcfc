"""Forms of the credit-repair pages: they parse input; the rules are the services'."""

from django import forms

from cases.forms import BootstrapFormMixin
from linkage.text import REASON_MAX, TEXT_MAX, FormTextField

from ..models import RepairGround, RepairState

GROUND_CHOICES = [("", "请选择"), *RepairGround.choices]


class RepairFilterForm(BootstrapFormMixin, forms.Form):
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *RepairState.choices], required=False)


class RepairApplicationForm(BootstrapFormMixin, forms.Form):
    """What the debtor states, on paper (registered by the court) or online."""

    ground = forms.ChoiceField(label="申请事由", choices=GROUND_CHOICES,
                               error_messages={"required": "请选择申请事由。", "invalid_choice": "请选择申请事由。"})
    phone = forms.CharField(label="联系电话", max_length=30, error_messages={"required": "请填写联系电话。"},
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    statement = FormTextField(max_chars=TEXT_MAX, label="申请理由及履行情况", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请写明申请理由及履行情况。"})


class RepairReceiveForm(RepairApplicationForm):
    applicant_name = forms.CharField(label="申请人", max_length=100, error_messages={"required": "请填写申请人。"})
    received_on = forms.DateField(label="收到日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text="不填为今天；法院应在收到之日起规定的工作日内作出决定",
                                  error_messages={"invalid": "日期格式不正确。"})

    field_order = ["applicant_name", "phone", "ground", "statement", "received_on"]


class RepairDecisionForm(BootstrapFormMixin, forms.Form):
    DECISIONS = [
        ("deleted", "准予修复：提前删除失信信息"),
        ("suspended", "准予修复：暂停公布失信信息"),
        ("refuse", "不予信用修复"),
    ]
    decision = forms.ChoiceField(label="决定", choices=[("", "请选择"), *DECISIONS],
                                 error_messages={"required": "请选择决定。", "invalid_choice": "请选择决定。"})
    reason = FormTextField(max_chars=REASON_MAX, label="审查意见", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text="不予信用修复的，须写明理由")
