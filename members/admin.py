"""Back office for administrators: the roster with inline contacts, users, change requests (read-only here;
the committee decides them on its page). Nothing is deleted: units are deactivated."""

import urllib.parse

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse

from linkage import tokens
from linkage.errors import ApplicationError

from . import services
from .chat import mask, mask_url
from .models import (
    ChatChannel,
    ChatChannelKind,
    Community,
    Contact,
    ContactChangeRequest,
    Jurisdiction,
    Leader,
    Measure,
    Organisation,
    User,
)


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ContactInline(NoDeleteMixin, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["role", "name", "position", "landline", "mobile", "email", "user", "started_on", "ended_on"]
    autocomplete_fields = ["user"]
    ordering = ["role", "-started_on"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "document_number", "issuer", "issued_on", "is_reference"]


@admin.register(Leader)
class LeaderAdmin(NoDeleteMixin, admin.ModelAdmin):
    """The district's party and government leaders the committee's briefings go to (by SMS and email)."""

    list_display = ["post", "name", "mobile", "email", "jurisdiction", "active", "sort_order"]
    list_filter = ["jurisdiction", "active"]
    search_fields = ["name", "post"]


@admin.register(Measure)
class MeasureAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]


@admin.register(Organisation)
class OrganisationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "kind", "level", "jurisdiction", "active"]
    list_filter = ["jurisdiction", "kind", "level", "active", "measures"]
    search_fields = ["name", "short_name", "code", "duties"]
    filter_horizontal = ["measures"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ContactInline]
    actions = ["deactivate", "activate"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # A reference catalogue's template stays off the roster (members.reference).
        return [*self.readonly_fields, "code", *(["active"] if obj.jurisdiction.is_reference else [])]

    @admin.action(description="停用所选单位")
    def deactivate(self, request, queryset):
        for organisation in queryset:
            services.set_organisation_active(actor=request.user, organisation=organisation, active=False)

    @admin.action(description="启用所选单位")
    def activate(self, request, queryset):
        for organisation in queryset.select_related("jurisdiction"):
            try:
                services.set_organisation_active(actor=request.user, organisation=organisation, active=True)
            except ApplicationError as error:
                self.message_user(request, error.message, level=messages.ERROR)


@admin.register(Community)
class CommunityAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Villages and communities under a subdistrict (normally imported: 网格导入). A community that goes is taken
    off the roster (在册 unticked), never deleted: its grid tasks and its debtors' addresses keep pointing at it."""

    list_display = ["name", "subdistrict", "code", "kind", "active", "sort_order"]
    list_filter = ["subdistrict__jurisdiction", "kind", "active"]
    search_fields = ["name", "code", "subdistrict__name", "subdistrict__short_name"]
    autocomplete_fields = ["subdistrict"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else [*self.readonly_fields, "code"]


@admin.register(ContactChangeRequest)
class ContactChangeRequestAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["organisation", "role", "name", "state", "requested_by", "requested_at", "decided_by"]
    list_filter = ["state", "role"]
    search_fields = ["organisation__name", "name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(User)
class UserAdmin(NoDeleteMixin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "organisation", "liaison_role", "is_system_account", "is_active"]
    list_filter = ["role", "is_active", "is_system_account", "liaison_role"]
    search_fields = ["username", "full_name", "organisation__name"]
    autocomplete_fields = ["organisation", "community"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("岗位", {"fields": ["full_name", "role", "organisation", "liaison_role", "community", "mobile",
                           "is_system_account"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("岗位", {"fields": ["full_name", "role", "organisation", "liaison_role", "community", "mobile",
                           "is_system_account"]}),
    ]
    actions = ["issue_system_token"]

    @admin.action(description="为所选单位系统账户签发API令牌（不过期）")
    def issue_system_token(self, request, queryset):
        """Asks for the token's name, then shows the key once (the database keeps only its hash). Only for one
        unit system account at a time: an administrator cannot mint a token for a person (linkage.tokens)."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, "请只选择一个单位系统账户。", messages.ERROR)
            return None
        user = users[0]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "account": user,
                   "title": "签发API令牌"}
        if "token_name" in request.POST:
            try:
                issued = tokens.issue_system_token(actor=request.user, user=user, name=request.POST["token_name"])
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                return None
            response = TemplateResponse(request, "admin/members/user/issued_token.html",
                                        {**context, "key": issued.key, "token": issued.token})
            response["Cache-Control"] = "no-store"
            return response
        if not user.is_system_account:
            self.message_user(request, f"“{user.username}”不是单位系统账户：不能为他人签发令牌。", messages.ERROR)
            return None
        return TemplateResponse(request, "admin/members/user/issue_token.html", context)


class ChatChannelForm(forms.ModelForm):
    """The URL and the secret are write-only: shown masked, a blank field keeps the stored value."""

    url = forms.CharField(label="Webhook地址", required=False, max_length=500,
                          widget=forms.PasswordInput(render_value=False, attrs={"size": 80}))
    secret = forms.CharField(label="密钥", required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False, attrs={"size": 60}))

    class Meta:
        model = ChatChannel
        fields = ["organisation", "kind", "name", "url", "secret", "msgtype", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance if self.instance.pk else None
        self.fields["url"].help_text = (f"当前：{mask_url(stored.url)}。留空则保持不变。" if stored else
                                        ChatChannel._meta.get_field("url").help_text)
        self.fields["secret"].help_text = (f"当前：{mask(stored.secret)}。留空则保持不变。" if stored else
                                           ChatChannel._meta.get_field("secret").help_text)

    def clean(self):
        data = super().clean()
        stored = self.instance if self.instance.pk else None
        url = data.get("url") or (stored.url if stored else "")
        secret = data.get("secret") or (stored.secret if stored else "")
        if not url:
            self.add_error("url", "请填写Webhook地址。")
        elif urllib.parse.urlsplit(url).scheme not in ("https", "http") or not urllib.parse.urlsplit(url).netloc:
            self.add_error("url", "Webhook地址应以 https:// 开头。")
        if data.get("kind") == ChatChannelKind.WEBHOOK and not secret:
            self.add_error("secret", "签名Webhook必须设置密钥。")
        data["url"], data["secret"] = url, secret
        return data


@admin.register(ChatChannel)
class ChatChannelAdmin(NoDeleteMixin, admin.ModelAdmin):
    form = ChatChannelForm
    list_display = ["name", "organisation", "kind", "masked_url", "masked_secret", "msgtype", "active"]
    list_filter = ["kind", "active", "organisation__jurisdiction"]
    search_fields = ["name", "organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation"]

    @admin.display(description="Webhook地址")
    def masked_url(self, obj):
        return mask_url(obj.url)

    @admin.display(description="密钥")
    def masked_secret(self, obj):
        return mask(obj.secret) if obj.secret else "—"
from . import sms_login_admin, webhook_admin  # noqa: E402,F401 - register the SMS login codes and the webhook pages
