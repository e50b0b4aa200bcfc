"""The pages of the sign-off: the leader returns a draft from the notice's page and the reason is shown to the clerk,
who amends it there; the leader's 待签发 lists the liftings and no longer the drafts of a concluded case; the case
page concludes a case with its ground and lifting ruling number."""

import pytest
from django.urls import reverse

from assistance.models import Notice, NoticeState
from tests.assistance.helpers import advance, draft_notice, file_case

pytestmark = pytest.mark.django_db
ITEMS = [{"property_kind": "bank_account", "identifier": "6222", "description": "查询存款"}]


@pytest.fixture
def case(clerk):
    return file_case(clerk)


def page_of(client, notice):
    return client.get(reverse("assistance:detail", args=[notice.pk])).content.decode()


def test_return_from_the_page_shows_the_reason_and_the_clerk_amends(client_for, clerk, leader, case, unit):
    notice = draft_notice(clerk, case, unit, measure="inquiry", items=ITEMS)
    client = client_for(leader)
    assert 'id="return-form"' in page_of(client, notice) and 'id="sign-button"' in page_of(client, notice)
    empty = client.post(reverse("assistance:return", args=[notice.pk]), {"reason": ""})
    assert empty.status_code == 400 and "请填写退回理由" in empty.content.decode()
    response = client.post(reverse("assistance:return", args=[notice.pk]), {"reason": "裁定书文号写错了"})
    assert response.status_code == 302 and Notice.objects.get(pk=notice.pk).state == NoticeState.RETURNED

    clerk_page = page_of(client_for(clerk), notice)
    assert 'id="returned-alert"' in clerk_page and "裁定书文号写错了" in clerk_page and "退回修改" in clerk_page
    assert 'id="resubmit-form"' in clerk_page and f'value="{case.number}"' in clerk_page
    response = client_for(clerk).post(reverse("assistance:resubmit", args=[notice.pk]), {
        "ruling_number": "（2026）粤0103执1234号之一", "legal_basis": notice.legal_basis, "note": "已改正"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT and notice.note == "已改正"
    assert 'id="returned-alert"' not in page_of(client_for(clerk), notice)


def test_concluding_from_the_case_page_fills_the_leaders_queue_with_liftings(client_for, clerk, leader, case, unit):
    a_draft = draft_notice(clerk, case, unit, measure="inquiry", items=ITEMS)
    served = advance(draft_notice(clerk, case, unit, measure="inquiry", items=ITEMS), NoticeState.SERVED,
                     clerk=clerk, leader=leader)
    queue = client_for(leader).get(reverse("assistance:to-sign")).content.decode()
    assert reverse("assistance:detail", args=[a_draft.pk]) in queue

    status_url = reverse("cases:status", args=[case.pk])
    client = client_for(clerk)
    client.post(status_url, {"status": "concluded", "reason": "已全部履行"}, follow=True)
    assert Notice.objects.get(pk=served.pk).state == NoticeState.SERVED  # refused: no lifting ruling number
    response = client.post(status_url, {"status": "concluded", "reason": "已全部履行",
                                        "lifting_ruling_number": "（2026）粤0103执1234号之一"}, follow=True)
    assert "案件状态已更新为“执行完毕”" in response.content.decode()

    queue = client_for(leader).get(reverse("assistance:to-sign")).content.decode()
    assert reverse("assistance:detail", args=[a_draft.pk]) not in queue  # withdrawn
    assert 'class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2 lifting-row"' in queue
    assert reverse("assistance:sign-lifting", args=[served.pk]) in queue
    response = client_for(leader).post(reverse("assistance:sign-lifting", args=[served.pk]),
                                       {"next": reverse("assistance:to-sign")})
    assert response.status_code == 302 and Notice.objects.get(pk=served.pk).state == NoticeState.LIFTED
