"""The admin speaks Chinese: every model it lists (ours, and the third-party authentication records shown through
`linkage.auth_models` proxies) has a Chinese singular and plural name, and so does every model of our apps and every
app the admin index groups them under; the proxies' pages work as the originals' did."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from linkage.audit import AUDITED_APPS
from tests.factories import UserFactory

CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(text):
    return bool(CJK.search(str(text)))


def test_every_model_in_the_admin_has_chinese_names():
    assert admin.site._registry
    english = [(model._meta.label, str(model._meta.verbose_name), str(model._meta.verbose_name_plural))
               for model in admin.site._registry
               if not (chinese(model._meta.verbose_name) and chinese(model._meta.verbose_name_plural))]
    assert english == []
    apps_listed = {model._meta.app_config for model in admin.site._registry}
    assert [config.label for config in apps_listed if not chinese(config.verbose_name)] == []


def test_every_model_of_our_apps_has_chinese_names():
    ours = [model for model in apps.get_models() if model._meta.app_label in AUDITED_APPS | {"dashboard"}]
    assert len(ours) > 40
    assert [model._meta.label for model in ours
            if not (chinese(model._meta.verbose_name) and chinese(model._meta.verbose_name_plural))] == []


@pytest.mark.django_db
def test_the_admin_index_and_the_proxies_pages_show_chinese_names(client):
    user = UserFactory(role="admin", username="admin-names", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=False)
    client.force_login(user)
    index = client.get(reverse("admin:index")).content.decode()
    for name in ("双重验证设备", "登录日志", "登录失败日志", "登录失败计数（锁定）"):
        assert name in index
    for english in ("TOTP devices", "Access attempts", "Access logs", "Access failures", "Otp_Totp", "Axes"):
        assert english not in index
    page = client.get(reverse("admin:linkage_twofactordevice_change", args=[device.pk]))
    assert page.status_code == 200 and "双重验证设备" in page.content.decode()
    assert client.get(reverse("admin:linkage_twofactordevice_changelist")).status_code == 200
