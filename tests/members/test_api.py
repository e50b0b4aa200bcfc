"""`/api/v1/units/` and the API foundation: token auth, pagination, errors in Chinese, the schema."""

import datetime

import pytest
import time_machine
import yaml
from openapi_spec_validator import validate

from members.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def test_token_auth_then_units_with_contacts(client, liaison, unit):
    factories.ContactFactory(organisation=unit, role="A", name="张三")
    factories.ContactFactory(organisation=unit, role="B", name="李四")
    response = client.post("/api/v1/auth/token/", {"username": liaison.username, "password": "demo-pass-2026"},
                           content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    listing = client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listing.status_code == 200
    body = listing.json()
    assert set(body) == {"count", "next", "previous", "results"}
    row = next(r for r in body["results"] if r["code"] == unit.code)
    assert row["measures"] == ["inquiry", "freeze"]
    assert [(c["role"], c["name"]) for c in row["contacts"]] == [("A", "张三"), ("B", "李四")]
    assert row["complete"] is True
    assert row["kind_display"] == "公安机关"


def test_a_token_works_until_it_is_revoked_or_its_user_deactivated(client, liaison, django_assert_num_queries):
    """linkage.authentication.TokenAuthentication: the user and the token on success, one read (plus, at most once
    a minute, the last-used write); 401 in Chinese for an unknown key, a revoked token, an inactive user — at once,
    nothing is cached."""
    from rest_framework.test import APIRequestFactory

    from linkage import tokens
    from linkage.authentication import TokenAuthentication

    issued = tokens.issue_for_login(user=liaison)
    request = APIRequestFactory().get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {issued.key}")
    with django_assert_num_queries(1):  # the token with its user; used within the minute of its issue: no write
        user, auth = TokenAuthentication().authenticate(request)
    assert user == liaison and user.organisation_id == liaison.organisation_id and auth.pk == issued.token.pk
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=61)):
        # a minute later: the read, then last_used_at as an audited update (the row's old value, the update, the entry)
        with django_assert_num_queries(4):
            TokenAuthentication().authenticate(request)
        with django_assert_num_queries(1):
            TokenAuthentication().authenticate(request)

    def status(key):
        response = client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {key}")
        return response.status_code, response.json().get("detail")

    assert status(issued.key)[0] == 200
    assert status("0" * 43) == (401, "认证令牌无效。")
    type(liaison).objects.filter(pk=liaison.pk).update(is_active=False)  # behind the services' back
    assert status(issued.key) == (401, "用户未激活或者已删除。")
    type(liaison).objects.filter(pk=liaison.pk).update(is_active=True)
    tokens.revoke(token=issued.token)
    assert status(issued.key) == (401, "认证令牌无效。")


def test_wrong_password_gives_chinese_400(client, liaison):
    response = client.post("/api/v1/auth/token/", {"username": liaison.username, "password": "x"},
                           content_type="application/json")
    assert response.status_code == 400
    assert "无法使用提供的认证信息登录" in str(response.json())


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION="Token nope").status_code == 401


def test_page_size_is_bounded_and_refused_outside(api_for, liaison):
    for _ in range(5):
        factories.OrganisationFactory()
    api = api_for(liaison)
    body = api.get("/api/v1/units/?page_size=2").json()
    assert len(body["results"]) == 2 and body["next"]
    assert api.get("/api/v1/units/?page_size=200").status_code == 200
    for outside in ("201", "100000", "0", "-1", "abc"):
        response = api.get(f"/api/v1/units/?page_size={outside}")
        assert response.status_code == 400, outside
        assert response.json()["page_size"] == ["每页条数应为1到200之间的整数。"]


def test_units_list_query_count_is_flat(api_for, liaison, django_assert_max_num_queries):
    api = api_for(liaison)
    for _ in range(3):
        factories.ContactFactory(organisation=factories.OrganisationFactory(measures=["inquiry"]))
    with django_assert_max_num_queries(20) as small:
        api.get("/api/v1/units/")
    for _ in range(10):
        factories.ContactFactory(organisation=factories.OrganisationFactory(measures=["inquiry", "seal"]))
    with django_assert_max_num_queries(20) as large:
        api.get("/api/v1/units/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_admin_creates_and_patches_a_unit(api_for, admin_user, unit):
    api = api_for(admin_user)
    response = api.post("/api/v1/units/", {
        "code": "new-tax", "name": "某区税务局", "short_name": "区税务局", "jurisdiction": unit.jurisdiction.code,
        "kind": "tax", "level": "county", "measures": ["inquiry", "deduct"], "duties": "协助查询纳税情况。",
    }, format="json")
    assert response.status_code == 201, response.json()
    created = Organisation.objects.get(code="new-tax")
    assert sorted(created.measures.values_list("code", flat=True)) == ["deduct", "inquiry"]
    patch = api.patch(f"/api/v1/units/{created.pk}/", {"short_name": "税务局", "measures": ["inquiry"]}, format="json")
    assert patch.status_code == 200
    assert patch.json()["measures"] == ["inquiry"]


def test_code_cannot_change(api_for, admin_user, unit):
    response = api_for(admin_user).patch(f"/api/v1/units/{unit.pk}/", {"code": "other"}, format="json")
    assert response.status_code == 400
    assert "不能修改" in response.json()["code"][0]


def test_bad_unit_input_gives_chinese_field_errors(api_for, admin_user, unit):
    response = api_for(admin_user).post("/api/v1/units/", {
        "code": "x1", "name": "", "short_name": "x", "jurisdiction": unit.jurisdiction.code,
        "kind": "nonsense", "level": "county", "measures": ["teleport"],
    }, format="json")
    assert response.status_code == 400
    body = response.json()
    assert {"name", "kind", "measures"} <= set(body)
    assert "不是合法选项" in body["kind"][0] or "有效的选项" in body["kind"][0]
    assert not Organisation.objects.filter(code="x1").exists()


@pytest.mark.parametrize("role_fixture", ["liaison", "clerk", "committee_user"])
def test_only_the_administrator_writes_units(request, api_for, unit, role_fixture):
    api = api_for(request.getfixturevalue(role_fixture))
    assert api.patch(f"/api/v1/units/{unit.pk}/", {"short_name": "改"}, format="json").status_code == 403
    unit.refresh_from_db()
    assert unit.short_name != "改"


def test_unknown_unit_is_404(api_for, liaison):
    assert api_for(liaison).get("/api/v1/units/999999/").status_code == 404


def test_schema_and_docs_are_served_without_cdn(client_for, liaison):
    client = client_for(liaison)
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/units/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs
    assert "cdn" not in docs.lower()


def test_openapi_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    # The validator integrators use too (issue 21): raises on anything OpenAPI 3.0 does not allow.
    validate(yaml.safe_load(text))
    for path in ("/api/v1/units/", "/api/v1/cases/", "/api/v1/notices/{id}/reply/", "/api/v1/notices/{id}/pdf/"):
        assert path in text
