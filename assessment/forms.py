"""Forms of the assessment pages. They only parse input; the services decide (role, state, ranges) and their
Chinese refusals are shown on the form."""

from django import forms

from linkage.text import REASON_MAX, FormTextField

from .criteria import RULE_CHOICES
from .models import CriterionGroup, CriterionSource, NominationKind


class ReasonForm(forms.Form):
    reason = FormTextField(max_chars=REASON_MAX, label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScoreForm(forms.Form):
    # Starts on no criterion: a committee member must pick the item, never adjust the first one by accident.
    criterion = forms.ChoiceField(label="考评项目", error_messages={"required": "请选择考评项目。"})
    points = forms.DecimalField(label="得分", max_digits=5, decimal_places=2, min_value=0)
    reason = FormTextField(max_chars=REASON_MAX, label="理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", "（请选择考评项目）"),
                                            *[(c["code"], f"{c['name']}（满分{c['points']}分）") for c in criteria]]


class NominationForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=NominationKind.choices)
    unit = forms.TypedChoiceField(label="单位", coerce=int)
    person_name = forms.CharField(label="个人姓名（表彰个人时填写）", required=False, max_length=30)
    person_position = forms.CharField(label="职务", required=False, max_length=50)
    evidence = FormTextField(max_chars=REASON_MAX, label="事实和依据", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]


class DecisionForm(forms.Form):
    approved = forms.TypedChoiceField(label="决定", choices=[("yes", "确定"), ("no", "不予确定")],
                                      coerce=lambda value: value == "yes", widget=forms.RadioSelect)
    reason = FormTextField(max_chars=REASON_MAX, label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CriterionForm(forms.Form):
    code = forms.SlugField(label="代码", max_length=40)
    name = forms.CharField(label="考评项目", max_length=60)
    group = forms.ChoiceField(label="类别", choices=CriterionGroup.choices)
    points = forms.DecimalField(label="分值", max_digits=5, decimal_places=2)
    source = forms.ChoiceField(label="评分方式", choices=CriterionSource.choices)
    method = forms.ChoiceField(label="计分规则", choices=[("", "（手工评分）"), *RULE_CHOICES], required=False)
    description = forms.CharField(label="评分说明", max_length=300, required=False)


CriteriaFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True, max_num=30, absolute_max=30)
