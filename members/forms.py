from django import forms

from linkage.text import REASON_MAX, FormTextField

from .models import ContactRole, OrganisationKind


class RosterFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "单位名称、简称或联系人", "class": "form-control"}))
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *OrganisationKind.choices])
    incomplete = forms.BooleanField(label="只看联系人不全的单位", required=False)


class ContactChangeRequestForm(forms.Form):
    role = forms.ChoiceField(label="变更角色", choices=ContactRole.choices)
    name = forms.CharField(label="新联系人姓名", max_length=30)
    position = forms.CharField(label="职务", max_length=50, required=False)
    landline = forms.CharField(label="固定电话", max_length=30, required=False)
    mobile = forms.CharField(label="手机", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    reason = FormTextField(max_chars=REASON_MAX, label="变更原因", widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审批结果", choices=[("approve", "批准"), ("reject", "驳回")])
    reason = FormTextField(max_chars=REASON_MAX, label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
