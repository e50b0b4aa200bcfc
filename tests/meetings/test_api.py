"""`/api/v1/decisions/{id}/reply/`: the responsible unit's system replies; the service decides (400 bad input in
Chinese, 403 role, 409 state) and nothing changes on a refusal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.models import Decision, DecisionReply, DecisionState

from .conftest import published_meeting

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def decision(world):
    return published_meeting(world).decisions.get(position=1)


def test_the_unit_replies_through_the_api(world, decision, api_for):
    api = api_for(world.liaisons[0])
    empty = api.post(f"/api/v1/decisions/{decision.pk}/reply/", {"text": " "}, format="json")
    assert empty.status_code == 400 and empty.json() == {"text": ["请填写落实情况。"]}
    assert not DecisionReply.objects.exists()
    response = api.post(f"/api/v1/decisions/{decision.pk}/reply/",
                        {"text": "已协助查找", "attachment": SimpleUploadedFile("回执.pdf", PDF)}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "replied" and body["state_display"] == "已回复"
    assert body["replies"][0]["text"] == "已协助查找" and body["replies"][0]["attachment_name"] == "回执.pdf"
    assert [event["action"] for event in body["events"]] == ["create", "reply"]
    again = api.post(f"/api/v1/decisions/{decision.pk}/reply/", {"text": "再次"}, format="json")
    assert again.status_code == 409
    assert again.json() == {"detail": "议定事项当前状态为“已回复”，不能回复落实情况。", "state": "replied"}


def test_the_committee_only_reads_through_the_api(world, decision, api_for):
    response = api_for(world.committee).post(f"/api/v1/decisions/{decision.pk}/reply/", {"text": "代为回复"},
                                             format="json")
    assert response.status_code == 403
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.OPEN


def test_the_other_liaison_of_the_unit_may_reply_and_filters_work(world, decision, api_for):
    api = api_for(world.b_liaisons[0])
    assert [row["id"] for row in api.get("/api/v1/decisions/?state=open").json()["results"]] == [decision.pk]
    assert api.get("/api/v1/decisions/?overdue=true").json()["results"] == []
    assert api.post(f"/api/v1/decisions/{decision.pk}/reply/", {"text": "B角回复"}, format="json").status_code == 200


def test_unauthenticated_calls_are_refused(client):
    assert client.get("/api/v1/decisions/").status_code == 401
    assert client.get("/api/v1/meetings/").status_code == 401


def test_the_schema_describes_the_meeting_endpoints(client_for, world):
    schema = client_for(world.liaisons[0]).get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/meetings/", "/api/v1/meetings/{id}/", "/api/v1/decisions/", "/api/v1/decisions/{id}/",
                 "/api/v1/decisions/{id}/reply/"):
        assert path in schema["paths"]
    assert "DecisionStateEnum" in schema["components"]["schemas"]
