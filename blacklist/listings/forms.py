"""Forms of the listing pages: they parse input; the rules are the services'."""

from django import forms

from cases.forms import BootstrapFormMixin
from cases.models import Party
from linkage.dates import PastDateValidator
from linkage.text import TEXT_MAX, FormTextField

from ..models import DeletionGround, ListingGround, ListingState


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
    decided_on = forms.DateField(label="决定日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 validators=[PastDateValidator("决定日期")], help_text="不填为今天；不能晚于今天",
                                 error_messages={"invalid": "日期格式不正确。"})
    applicant = forms.ModelChoiceField(label="申请纳入的申请执行人", queryset=None, required=False,
                                       empty_label="（依职权纳入）", help_text="依申请执行人申请纳入的，选择申请人",
                                       error_messages={"invalid_choice": "应为本案的申请执行人。"})
    applied_on = forms.DateField(label="申请日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 validators=[PastDateValidator("申请纳入日期")], help_text="不填为决定日期",
                                 error_messages={"invalid": "日期格式不正确。"})
    security_covers_debt = forms.BooleanField(label="被执行人已提供足额担保", required=False)
    frozen_property_covers_debt = forms.BooleanField(label="已查封、扣押、冻结的财产足以清偿债务", required=False)
    later_in_performance_order = forms.BooleanField(label="被执行人不属于履行顺序在先的义务人", required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debtor"].queryset = case.parties.debtors().order_by("id")
        self.fields["applicant"].queryset = case.parties.applicants().order_by("id")


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="理由", required=False, max_length=1000)


class DeleteForm(BootstrapFormMixin, forms.Form):
    ground = forms.ChoiceField(label="删除事由", choices=[("", "请选择"), *DeletionGround.choices],
                               error_messages={"required": "请选择法定的删除事由。"})
    arose_on = forms.DateField(label="事由发生日期", widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"required": "请填写事由发生日期。", "invalid": "日期格式不正确。"})
    applicant = forms.ModelChoiceField(label="申请删除的申请执行人", queryset=Party.objects.none(), required=False,
                                       empty_label="（仅申请执行人书面申请删除时选择）",
                                       error_messages={"invalid_choice": "应为本案的申请执行人。"})
    requested_on = forms.DateField(label="书面申请删除日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                   validators=[PastDateValidator("书面申请删除日期")],
                                   error_messages={"invalid": "日期格式不正确。"})
    reason = forms.CharField(label="说明", required=False, max_length=1000)

    def __init__(self, *args, listing=None, **kwargs):
        super().__init__(*args, **kwargs)
        if listing is not None:
            self.fields["applicant"].queryset = listing.case.parties.applicants().order_by("id")


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
