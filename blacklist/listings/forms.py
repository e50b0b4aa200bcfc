"""Forms of the listing pages: they parse input; the rules are the services'."""

from django import forms

from cases.forms import BootstrapFormMixin
from linkage.text import TEXT_MAX, FormTextField

from .models import CorrectionState, DeletionGround, ListingGround, ListingState


class ListingFilterForm(BootstrapFormMixin, forms.Form):
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *ListingState.choices], required=False)


class ProposeForm(BootstrapFormMixin, forms.Form):
    debtor = forms.ModelChoiceField(label="被执行人", queryset=None, empty_label="请选择",
                                    error_messages={"required": "请选择被执行人。"})
    ground = forms.TypedChoiceField(label="失信情形", choices=[("", "请选择"), *ListingGround.choices], coerce=int,
                                    error_messages={"required": "请选择失信情形。"})
    facts = FormTextField(max_chars=TEXT_MAX, label="失信行为具体情形", widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": "请写明失信行为的具体情形。"})
    period_years = forms.IntegerField(label="纳入期限（年）", required=False,
                                      help_text="第二至六项为2年，情节严重的可延长1至3年；第一项不填")
    decided_on = forms.DateField(label="决定日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    security_covers_debt = forms.BooleanField(label="被执行人已提供足额担保", required=False)
    frozen_property_covers_debt = forms.BooleanField(label="已查封、扣押、冻结的财产足以清偿债务", required=False)
    later_in_performance_order = forms.BooleanField(label="被执行人不属于履行顺序在先的义务人", required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debtor"].queryset = case.parties.debtors().order_by("id")


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="理由", required=False, max_length=1000)


class DeleteForm(BootstrapFormMixin, forms.Form):
    ground = forms.ChoiceField(label="删除事由", choices=[("", "请选择"), *DeletionGround.choices],
                               error_messages={"required": "请选择法定的删除事由。"})
    arose_on = forms.DateField(label="事由发生日期", widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"required": "请填写事由发生日期。", "invalid": "日期格式不正确。"})
    reason = forms.CharField(label="说明", required=False, max_length=1000)


class RevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="错误纳入的情形", required=False, max_length=1000)
    error_found_on = forms.DateField(label="发现错误日期", required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))


class CorrectForm(BootstrapFormMixin, forms.Form):
    field = forms.ChoiceField(label="更正项目", choices=[
        ("name", "姓名或名称"), ("id_number", "公民身份号码"), ("credit_code", "统一社会信用代码"),
        ("legal_representative", "法定代表人或负责人"), ("obligation", "生效法律文书确定的义务"),
        ("performed_amount", "已履行（元）"), ("unperformed_amount", "未履行（元）"),
        ("basis_issuer", "执行依据制作单位"), ("basis_number", "执行依据文号"), ("facts", "失信行为具体情形"),
    ])
    value = forms.CharField(label="更正为", max_length=1000, error_messages={"required": "请填写更正后的内容。"})
    reason = forms.CharField(label="更正理由", required=False, max_length=1000)


class CorrectionFilterForm(BootstrapFormMixin, forms.Form):
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *CorrectionState.choices], required=False)


class CorrectionRequestForm(BootstrapFormMixin, forms.Form):
    applicant = forms.CharField(label="申请人", max_length=100, error_messages={"required": "请填写申请人。"})
    contact = forms.CharField(label="联系方式", max_length=100, required=False)
    content = FormTextField(max_chars=TEXT_MAX, label="纠正事项和理由", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请写明申请纠正的事项和理由。"})
    received_on = forms.DateField(label="收到日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text="不填为今天；审查期限为收到之日起15日",
                                  error_messages={"invalid": "日期格式不正确。"})


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
