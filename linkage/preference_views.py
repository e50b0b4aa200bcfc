"""A user's own notification settings: per kind, which channels besides the bell and whether it waits for the daily
digest; quiet hours for SMS and work chat. Nobody edits anybody else's: the page has no id, it is always the
signed-in user's."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .forms import run_service
from .kinds import GROUPS, KINDS
from .models import NotificationPreference
from .preferences import CHANNELS, from_row, save_preferences

CHANNEL_LABELS = {"email": "邮件", "sms": "短信", "chat": "工作群"}
SUGGESTED_QUIET = (datetime.time(22, 0), datetime.time(7, 30))


class PreferenceForm(forms.Form):
    quiet_hours_enabled = forms.BooleanField(label="启用免打扰时段", required=False)
    quiet_start = forms.TimeField(label="开始", required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                                  error_messages={"invalid": "请输入有效的时间，如 22:00。"})
    quiet_end = forms.TimeField(label="结束", required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                                error_messages={"invalid": "请输入有效的时间，如 07:30。"})

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        for code, kind in KINDS.items():
            for channel in CHANNELS:
                self.fields[f"{code}__{channel}"] = forms.BooleanField(
                    label=f"{kind.label}·{CHANNEL_LABELS[channel]}", required=False,
                    initial=preferences.wants(code, channel), disabled=kind.every_channel)
            self.fields[f"{code}__digest"] = forms.BooleanField(
                label=f"{kind.label}·每日汇总", required=False, initial=preferences.digest(code),
                disabled=kind.urgent)

    def rows(self):
        """[(group, [(kind, {channel: bound field}, digest bound field)])] in the registry's order."""
        grouped = []
        for group in GROUPS:
            rows = [(kind, [self[f"{kind.code}__{channel}"] for channel in CHANNELS], self[f"{kind.code}__digest"])
                    for kind in KINDS.values() if kind.group == group]
            grouped.append((group, rows))
        return grouped

    def choices(self):
        return {code: {name: self.cleaned_data[f"{code}__{name}"] for name in (*CHANNELS, "digest")}
                for code in KINDS}


@login_required
def preferences(request):
    row = NotificationPreference.objects.filter(user=request.user).first()
    current = from_row(row)
    initial = {"quiet_hours_enabled": bool(row and row.quiet_hours_enabled),
               "quiet_start": (row and row.quiet_start) or SUGGESTED_QUIET[0],
               "quiet_end": (row and row.quiet_end) or SUGGESTED_QUIET[1]}
    form = PreferenceForm(request.POST or None, initial=initial, preferences=current)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, save_preferences, user=request.user,
                            quiet_hours_enabled=form.cleaned_data["quiet_hours_enabled"],
                            quiet_start=form.cleaned_data["quiet_start"], quiet_end=form.cleaned_data["quiet_end"],
                            choices=form.choices())
        if saved is not None:
            messages.success(request, "通知设置已保存。")
            return redirect("notification-preferences")
    return render(request, "notification_preferences.html",
                  {"form": form, "channel_labels": [CHANNEL_LABELS[c] for c in CHANNELS], "saved": row})
