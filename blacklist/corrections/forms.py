"""Forms of the correction pages: they parse input; the rules are the services'."""

from django import forms

from cases.forms import BootstrapFormMixin
from linkage.text import TEXT_MAX, FormTextField

from ..listings.forms import CorrectForm
from ..models import CorrectionKind, CorrectionState


class CorrectionFilterForm(BootstrapFormMixin, forms.Form):
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *CorrectionState.choices], required=False)


class CorrectionRequestForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="申请类型", choices=CorrectionKind.choices, initial=CorrectionKind.DATA, required=False,
                             error_messages={"invalid_choice": "请选择申请类型。"})
    found_by_court = forms.BooleanField(label="本院自行发现的错误（无申请人，3个工作日内纠正）", required=False)
    # Required unless the court found the error itself: the service says so.
    applicant = forms.CharField(label="申请人", max_length=100, required=False)
    contact = forms.CharField(label="联系方式", max_length=100, required=False)
    content = FormTextField(max_chars=TEXT_MAX, label="纠正事项和理由", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请写明申请纠正的事项和理由。"})
    received_on = forms.DateField(label="收到（发现）日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text="不填为今天；审查期限为收到之日起15日（本院发现的：发现之日起3个工作日）",
                                  error_messages={"invalid": "日期格式不正确。"})


    def clean_kind(self):
        return self.cleaned_data.get("kind") or CorrectionKind.DATA


class CorrectionDecisionForm(BootstrapFormMixin, forms.Form):
    OUTCOMES = [
        ("correct", "纠正：更正公布的信息"),
        ("revoke", "纠正：撤销失信名单（不应纳入）"),
        ("reject", "不予纠正（驳回）"),
    ]
    outcome = forms.ChoiceField(label="审查结论", choices=[("", "请选择"), *OUTCOMES],
                                error_messages={"required": "请选择审查结论。", "invalid_choice": "请选择审查结论。"})
    reason = forms.CharField(label="审查意见", required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    field = forms.ChoiceField(label="更正项目", required=False,
                              choices=[("", "（仅“更正公布的信息”时填写）"), *CorrectForm.base_fields["field"].choices])
    value = forms.CharField(label="更正为", required=False, max_length=1000)
    decided_on = forms.DateField(label="审查日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="不填为今天", error_messages={"invalid": "日期格式不正确。"})

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "correct" and not (data.get("field") and (data.get("value") or "").strip()):
            raise forms.ValidationError("更正公布的信息时，请选择更正项目并填写更正后的内容。")
        return data

    def service_arguments(self):
        data = self.cleaned_data
        outcome = data["outcome"]
        return {
            "corrected": outcome != "reject",
            "reason": data.get("reason", ""),
            "changes": {data["field"]: data["value"].strip()} if outcome == "correct" else None,
            "decided_on": data.get("decided_on"),
        }


class ReconsiderationForm(BootstrapFormMixin, forms.Form):
    requested_on = forms.DateField(label="申请复议日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text="不填为今天；应在驳回决定作出之日起10日内提出",
                                   error_messages={"invalid": "日期格式不正确。"})


class ReconsiderationDecisionForm(BootstrapFormMixin, forms.Form):
    OUTCOMES = [("uphold", "维持驳回决定"), ("reverse", "撤销驳回决定（3个工作日内纠正）")]
    outcome = forms.ChoiceField(label="复议决定", choices=[("", "请选择"), *OUTCOMES],
                                error_messages={"required": "请选择复议决定。", "invalid_choice": "请选择复议决定。"})
    result = forms.CharField(label="复议决定内容", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写复议决定的内容。"})
    decided_on = forms.DateField(label="复议决定日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="不填为今天", error_messages={"invalid": "日期格式不正确。"})

    def service_arguments(self):
        data = self.cleaned_data
        return {"upheld": data["outcome"] == "uphold", "result": data["result"], "decided_on": data.get("decided_on")}
