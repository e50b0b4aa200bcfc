"""Forms of the relief section on the case page (assistance/views/relief.py). The services check the rules (amounts
against the claim, reasons required on a refusal); the forms only carry the input, so a refusal reads as the
service's own Chinese message."""

from django import forms

from cases.forms import BootstrapFormMixin
from linkage.text import REASON_MAX, TEXT_MAX, FormTextField
from members.models import Organisation


class HardshipForm(BootstrapFormMixin, forms.Form):
    applicant = forms.ModelChoiceField(label="申请执行人", queryset=None, empty_label=None)
    circumstances = FormTextField(max_chars=TEXT_MAX, label="生活困难情况", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="如：家庭成员、收入、疾病或残疾、住房等情况，以及胜诉债权不能兑现对其生活的影响。")
    unpaid_amount = forms.DecimalField(label="未兑现债权（元）", required=False, max_digits=16, decimal_places=2)

    def __init__(self, *args, applicants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = applicants


class ProposalForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(label="拟救助金额（元）", required=False, max_digits=16, decimal_places=2)
    reason = FormTextField(max_chars=REASON_MAX, label="救助理由", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(BootstrapFormMixin, forms.Form):
    approved = forms.TypedChoiceField(label="决定", choices=[("yes", "准予司法救助"), ("no", "不予司法救助")],
                                      coerce=lambda value: value == "yes", widget=forms.RadioSelect,
                                      error_messages={"required": "请选择准予或不予。"})
    reason = FormTextField(max_chars=REASON_MAX, label="决定理由", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text="不予司法救助的，须写明理由。")


class ReferralForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label="转介单位", queryset=Organisation.objects.none(), required=False,
                                  empty_label=None)
    note = FormTextField(max_chars=REASON_MAX, label="其他事项", required=False,
                         widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
