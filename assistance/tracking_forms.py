"""Forms of the tracking panel on the notice page (查人扣车): each parses one move's input; the rules (dates, required
text, who, which state) are the services' (assistance/services/tracking.py), whose refusals show at the form."""

from django import forms

from cases.forms import BootstrapFormMixin
from linkage.text import REASON_MAX, FormTextField

_MOMENT = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"}), "required": False}


class StatusReportForm(BootstrapFormMixin, forms.Form):
    text = FormTextField(max_chars=REASON_MAX, label="查找情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ControlForm(BootstrapFormMixin, forms.Form):
    registered_on = forms.DateField(label="布控录入日期", required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}), help_text="留空为今天。")
    plate = forms.CharField(label="号牌号码", required=False, max_length=20)


class FindingForm(BootstrapFormMixin, forms.Form):
    found_at = forms.DateTimeField(label="发现（查扣）时间", help_text="留空为现在；不能晚于现在。", **_MOMENT)
    place = forms.CharField(label="发现（查扣）地点", required=False, max_length=200)


class HandOverForm(BootstrapFormMixin, forms.Form):
    place = forms.CharField(label="交接地点", required=False, max_length=200)
    at = forms.DateTimeField(label="交接时间", help_text="留空为现在。", **_MOMENT)


class TakeOverForm(BootstrapFormMixin, forms.Form):
    at = forms.DateTimeField(label="接收时间", help_text="留空为现在。", **_MOMENT)
    note = forms.CharField(label="说明", required=False, max_length=REASON_MAX)


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="撤销理由", required=False, max_length=REASON_MAX,
                             help_text="如：本院已自行查找到被执行人。撤销后通知书撤回，公安机关即时收到撤销通知。")


class DetentionSuggestionForm(BootstrapFormMixin, forms.Form):
    reason = FormTextField(max_chars=REASON_MAX, label="建议停止执行拘留的理由", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DetentionDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label="决定", choices=[("stop", "停止执行拘留"), ("continue", "继续执行拘留")],
                                 widget=forms.RadioSelect, error_messages={"required": "请选择决定。"})
    reason = forms.CharField(label="理由", required=False, max_length=REASON_MAX, help_text="继续执行拘留的须写明理由。")
