"""The administrator's pages for outbound webhooks: endpoints (the secret write-only, shown masked) and the
deliveries with the receiver's last answer, replayable (the same event id is sent again)."""

import secrets

from django import forms
from django.contrib import admin, messages

from linkage.admin_mixins import ReadOnlyAdminMixin
from linkage.errors import ApplicationError
from linkage.webhooks import endpoint_url_error

from . import webhooks
from .chat import mask, mask_url
from .webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEventType
from .webhook_services import SECRET_MIN, secret_error


class WebhookEndpointForm(forms.ModelForm):
    """The secret is write-only: a blank field keeps the stored one (a new endpoint gets a random one if blank)."""

    secret = forms.CharField(label="签名密钥", required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False, attrs={"size": 60}))
    event_types = forms.MultipleChoiceField(label="订阅事件", choices=WebhookEventType.choices,
                                            widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": "请至少选择一种订阅事件。",
                                                            "invalid_choice": "“%(value)s”不是可订阅的事件。"})

    class Meta:
        model = WebhookEndpoint
        fields = ["organisation", "name", "url", "secret", "event_types", "active"]
        error_messages = {"url": {"required": "请填写接收地址。"}, "name": {"required": "请填写名称。"},
                          "organisation": {"required": "请选择单位。"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance if self.instance.pk else None
        self.fields["secret"].help_text = (f"当前：{mask(stored.secret)}。留空则保持不变。" if stored else
                                           f"至少{SECRET_MIN}位；留空则自动生成（保存后请在单位系统中配置同一密钥）。")

    def clean_url(self):
        url = (self.cleaned_data.get("url") or "").strip()
        error = endpoint_url_error(url)
        if error:
            raise forms.ValidationError(error)
        return url

    def clean_secret(self):
        secret = self.cleaned_data.get("secret") or ""
        if not secret:
            return self.instance.secret if self.instance.pk else secrets.token_urlsafe(32)
        if error := secret_error(secret):
            raise forms.ValidationError(error)
        return secret


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "organisation", "masked_url", "masked_secret", "events", "active"]
    list_filter = ["active", "organisation__jurisdiction"]
    search_fields = ["name", "organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="接收地址")
    def masked_url(self, obj):
        return mask_url(obj.url)

    @admin.display(description="签名密钥")
    def masked_secret(self, obj):
        return mask(obj.secret)

    @admin.display(description="订阅事件")
    def events(self, obj):
        return "、".join(obj.event_types)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_id", "event_type", "endpoint", "state", "attempts", "replays", "last_status",
                    "last_attempt_at", "short_response", "next_attempt_at"]
    list_filter = ["state", "event__event_type", "endpoint__organisation__jurisdiction"]
    search_fields = ["event__event_id", "endpoint__name", "endpoint__organisation__short_name"]
    list_select_related = ["event", "endpoint__organisation"]
    readonly_fields = ["event_id", "event_type", "event_data", "endpoint", "state", "attempts", "replays",
                       "last_status", "last_attempt_at", "last_response", "delivered_at", "next_attempt_at",
                       "created_at"]
    fields = readonly_fields
    actions = ["replay"]

    @admin.display(description="事件编号")
    def event_id(self, obj):
        return str(obj.event.event_id)

    @admin.display(description="事件类型")
    def event_type(self, obj):
        return obj.event.event_type

    @admin.display(description="事件数据")
    def event_data(self, obj):
        return webhooks.body_of(obj.event).decode()

    @admin.display(description="最近应答")
    def short_response(self, obj):
        return obj.last_response[:80]

    @admin.action(description="重发所选推送（同一事件编号）")
    def replay(self, request, queryset):
        try:
            count = webhooks.replay(actor=request.user, deliveries=list(queryset))
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, f"已重新排队 {count} 条推送（停用地址的推送不重发）。", messages.SUCCESS)
