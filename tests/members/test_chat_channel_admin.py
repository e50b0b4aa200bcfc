"""The administrator configures a unit's work-chat channels in the back office: Chinese names, URL and secret shown
masked and never rendered back into the form, a blank field keeps what is stored, nothing is deleted; and a message
to the unit carries its active channels."""

import pytest

from linkage.chat import ChatConfig, resolve
from members.chat import mask, mask_url
from members.models import ChatChannel
from members.recipients import unit_recipients, user_recipients
from tests import factories

pytestmark = pytest.mark.django_db
URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
SECRET = "hook-secret-0123456789abcdef"
ADD = "/admin/members/chatchannel/add/"


@pytest.fixture
def admin_client(client):
    client.force_login(factories.UserFactory(role="admin", username="admin-chat", is_staff=True, is_superuser=True))
    return client


def form(unit, **changes):
    data = {"organisation": unit.pk, "kind": "wecom", "name": "公安局执行联动群", "url": URL, "secret": "",
            "msgtype": "text", "active": "on"}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_the_administrator_adds_a_channel_and_sees_it_masked(admin_client, unit):
    response = admin_client.post(ADD, form(unit, kind="webhook", secret=SECRET, url="https://bridge.example.cn/in?token=abcdef123456"))
    assert response.status_code == 302
    channel = ChatChannel.objects.get()
    assert channel.secret == SECRET and channel.url == "https://bridge.example.cn/in?token=abcdef123456"
    listing = admin_client.get("/admin/members/chatchannel/").content.decode()
    assert "工作群渠道" in listing and "签名Webhook" in listing
    assert SECRET not in listing and "abcdef123456" not in listing
    assert mask(SECRET) in listing and "hook…ef（共28位）" in listing
    change = admin_client.get(f"/admin/members/chatchannel/{channel.pk}/change/").content.decode()
    assert SECRET not in change and "abcdef123456" not in change and "留空则保持不变" in change


def test_a_blank_url_or_secret_keeps_the_stored_one(admin_client, unit):
    channel = ChatChannel.objects.create(organisation=unit, kind="dingtalk", name="钉钉群",
                                         url="https://oapi.dingtalk.com/robot/send?access_token=tok123456789",
                                         secret="SECabcdefghijk")
    response = admin_client.post(f"/admin/members/chatchannel/{channel.pk}/change/",
                                 form(unit, kind="dingtalk", name="钉钉工作群", url="", secret=""))
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.name == "钉钉工作群" and channel.secret == "SECabcdefghijk"
    assert channel.url == "https://oapi.dingtalk.com/robot/send?access_token=tok123456789"


@pytest.mark.parametrize(("changes", "message"), [
    ({"kind": "webhook", "secret": ""}, "签名Webhook必须设置密钥。"),
    ({"url": ""}, "请填写Webhook地址。"),
    ({"url": "ftp://example.cn/hook"}, "Webhook地址应以 https:// 开头。"),
])
def test_bad_channels_are_refused_in_chinese(admin_client, unit, changes, message):
    response = admin_client.post(ADD, form(unit, **changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not ChatChannel.objects.exists()


def test_channels_are_never_deleted(admin_client, unit):
    channel = ChatChannel.objects.create(organisation=unit, kind="wecom", name="群", url=URL)
    assert admin_client.get(f"/admin/members/chatchannel/{channel.pk}/delete/").status_code in (302, 403)
    assert ChatChannel.objects.filter(pk=channel.pk).exists()


def test_masking():
    assert mask("") == "（未设置）" and mask("abc") == "***（共3位）"
    assert mask_url(URL) == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…aa（共36位）"
    assert mask_url("https://example.cn/hook") == "https://example.cn/hook"


def test_a_units_people_carry_its_active_channels(unit, other_unit):
    liaison = factories.LiaisonFactory(organisation=unit, liaison_role="A")
    factories.ContactFactory(organisation=unit, role="A", user=liaison)
    factories.ContactFactory(organisation=unit, role="B")
    on = ChatChannel.objects.create(organisation=unit, kind="wecom", name="群", url=URL)
    ChatChannel.objects.create(organisation=unit, kind="wecom", name="旧群", url=URL, active=False)
    ChatChannel.objects.create(organisation=other_unit, kind="wecom", name="别的群", url=URL)
    recipients = unit_recipients([unit.pk])
    assert len(recipients) == 2
    assert {target.key for recipient in recipients for target in recipient.chat} == {f"chat:{on.pk}"}
    assert user_recipients([liaison])[0].chat == ()  # a person addressed as a person: no group
    assert resolve(f"chat:{on.pk}") == ChatConfig(channel="wecom", url=URL, secret="", msgtype="text", active=True)
    assert resolve("chat:999999") is None and resolve("user:1") is None
    unit.active = False
    unit.save()
    assert resolve(f"chat:{on.pk}").active is False
    assert all(recipient.chat == () for recipient in unit_recipients([unit.pk]))
