"""The API of the sign-off moves: /return/, /resubmit/, /lift/ (now a draft of the lifting), /sign-lifting/,
/return-lifting/, /acknowledge-lifting/, and the detail's `actions` from the notice's table. 403 for a role that may
not act, 404 for what the caller may not see, 409 with the state for a wrong state, 400 in Chinese for bad input —
and nothing changes when refused."""

import pytest

from assistance.models import Notice, NoticeState
from linkage.models import Notification
from tests import factories
from tests.assistance_factories import NoticeFactory, served_notice

pytestmark = pytest.mark.django_db


def url(notice, move):
    return f"/api/v1/notices/{notice.pk}/{move}/"


def test_return_and_resubmit_a_draft(api_for, clerk, leader, liaison, unit):
    notice = NoticeFactory(case__court=clerk.organisation, unit=unit, created_by=clerk)
    assert api_for(leader).get(f"/api/v1/notices/{notice.pk}/").json()["actions"] == ["sign", "return"]
    assert api_for(clerk).get(f"/api/v1/notices/{notice.pk}/").json()["actions"] == ["withdraw", "amend"]

    assert api_for(clerk).post(url(notice, "return"), {"reason": "不对"}, format="json").status_code == 403
    assert api_for(liaison).post(url(notice, "return"), {"reason": "不对"}, format="json").status_code == 404
    assert api_for(factories.LeaderFactory()).post(url(notice, "return"), {"reason": "x"},
                                                   format="json").status_code == 404
    empty = api_for(leader).post(url(notice, "return"), {}, format="json")
    assert empty.status_code == 400 and empty.json()["reason"] == ["请填写退回理由。"]
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.DRAFT

    returned = api_for(leader).post(url(notice, "return"), {"reason": "文号有误"}, format="json")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert returned.json()["state_display"] == "退回修改"
    assert returned.json()["events"][-1]["reason"] == "文号有误"
    again = api_for(leader).post(url(notice, "return"), {"reason": "文号有误"}, format="json")
    assert again.status_code == 409 and again.json()["state"] == "returned"
    assert Notification.objects.filter(kind="notice_returned", recipient=clerk).count() == 1

    assert api_for(leader).post(url(notice, "resubmit"), {}, format="json").status_code == 403
    bad = api_for(clerk).post(url(notice, "resubmit"), {"ruling_number": "一号"}, format="json")
    assert bad.status_code == 400 and Notice.objects.get(pk=notice.pk).state == NoticeState.RETURNED
    done = api_for(clerk).post(url(notice, "resubmit"), {"ruling_number": "(2026)粤0103执7号"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "draft"
    assert done.json()["ruling_number"] == "（2026）粤0103执7号"
    assert api_for(clerk).post(url(notice, "resubmit"), {}, format="json").status_code == 409


def test_lift_sign_return_and_acknowledge_over_the_api(api_for, clerk, leader, liaison, unit):
    notice = served_notice(clerk=clerk, leader=leader, unit=unit)
    no_ruling = api_for(clerk).post(url(notice, "lift"), {"ground": "performed"}, format="json")
    assert no_ruling.status_code == 400 and "解除裁定书文号" in no_ruling.json()["ruling_number"][0]
    lifting = api_for(clerk).post(url(notice, "lift"), {"ground": "performed", "ruling_number": "（2026）粤0103执1号之一"},
                                  format="json")
    assert lifting.status_code == 200 and lifting.json()["state"] == "lifting"
    assert lifting.json()["lifting_ruling_number"] == "（2026）粤0103执1号之一"
    assert api_for(leader).get(f"/api/v1/notices/{notice.pk}/").json()["actions"] == ["sign_lifting",
                                                                                       "return_lifting"]
    # The unit sees the notice but not the draft of its lifting notice, and cannot sign it.
    assert api_for(liaison).get(url(notice, "lifting-pdf")).status_code == 409
    assert api_for(liaison).post(url(notice, "sign-lifting")).status_code == 403
    assert api_for(clerk).post(url(notice, "sign-lifting")).status_code == 403

    back = api_for(leader).post(url(notice, "return-lifting"), {"reason": "尚未履行完毕"}, format="json")
    assert back.status_code == 200 and back.json()["state"] == "served"
    api_for(clerk).post(url(notice, "lift"), {"ground": "performed", "ruling_number": "（2026）粤0103执1号之二"},
                        format="json")

    signed = api_for(leader).post(url(notice, "sign-lifting"))
    assert signed.status_code == 200 and signed.json()["state"] == "lifted" and signed.json()["lift_due_at"]
    assert api_for(leader).post(url(notice, "sign-lifting")).status_code == 409
    assert Notification.objects.filter(kind="lifting_served", recipient=liaison).count() == 1
    assert api_for(liaison).get(f"/api/v1/notices/{notice.pk}/").json()["actions"] == ["acknowledge_lifting"]
    assert api_for(liaison).get(url(notice, "lifting-pdf")).status_code == 200

    assert api_for(clerk).post(url(notice, "acknowledge-lifting")).status_code == 403
    assert api_for(factories.LiaisonFactory()).post(url(notice, "acknowledge-lifting")).status_code == 404
    acknowledged = api_for(liaison).post(url(notice, "acknowledge-lifting"))
    assert acknowledged.status_code == 200 and acknowledged.json()["state"] == "lift_acknowledged"
    assert acknowledged.json()["lift_acknowledged_at"]
    assert api_for(liaison).post(url(notice, "acknowledge-lifting")).status_code == 409


def test_the_case_status_api_concludes_and_refuses_in_chinese(api_for, clerk, leader, unit):
    notice = served_notice(clerk=clerk, leader=leader, unit=unit)
    status_url = f"/api/v1/cases/{notice.case_id}/status/"
    no_reason = api_for(clerk).post(status_url, {"status": "terminated_round"}, format="json")
    assert no_reason.status_code == 400 and "终结本次执行程序" in no_reason.json()["reason"][0]
    done = api_for(clerk).post(status_url, {"status": "terminated_round", "reason": "无财产可供执行",
                                            "lifting_ruling_number": "（2026）粤0103执1号之一"}, format="json")
    assert done.status_code == 200 and done.json()["lifting_ruling_number"] == "（2026）粤0103执1号之一"
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.LIFTING
