"""Forms of the judicial suggestion letter's pages (assistance/views/suggestions.py): the service parses and decides."""

from django import forms

from cases.forms import BootstrapFormMixin
from linkage.text import REASON_MAX, TEXT_MAX

from .suggestion_models import SuggestionGround

REPLY_DAYS_MAX = 365


class DraftForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label="主送单位", queryset=None, empty_label="请选择",
                                  help_text="未依法协助的单位，或者其上级主管部门。",
                                  error_messages={"required": "请选择主送单位。"})
    ground = forms.ChoiceField(label="事由", choices=SuggestionGround.choices, required=False)
    facts = forms.CharField(label="查明的事实", max_length=TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 5}), help_text="已根据记录预填，可修改。")
    suggestions = forms.CharField(label="司法建议", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                                  error_messages={"required": "请填写司法建议。"})
    reply_days = forms.IntegerField(label="回复期限（日）", min_value=1, max_value=REPLY_DAYS_MAX)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ReplyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="采纳及整改情况", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "请填写采纳及整改情况。"})


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写撤回理由。"})


class EmptyForm(forms.Form):
    pass
