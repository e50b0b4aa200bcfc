"""A JSON body nested deeper than LINKAGE_JSON_MAX_DEPTH (20) is a Chinese 400 before any view sees it: a body of
100,000 ``[`` no longer exhausts the recursion limit (a 500), and the parser, not each serializer, says why."""

import json

import pytest

from linkage.parsers import exceeds_depth

pytestmark = pytest.mark.django_db


def nested(depth):
    """``{"applicants": [[[…[]…]]]}`` with ``depth`` levels in all, the outer object included."""
    return '{"applicants": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


def post(api, body):
    return api.generic("POST", "/api/v1/screenings/", body, content_type="application/json")


def test_a_body_nested_past_the_bound_is_a_chinese_400(liaison, api_for):
    api = api_for(liaison)
    response = post(api, nested(21))

    assert response.status_code == 400
    assert "嵌套层数超过 20 层" in response.json()["detail"]
    at_the_bound = post(api, nested(20))
    assert at_the_bound.status_code == 400  # the serializer's own answer: applicants are objects, not lists
    assert "嵌套" not in json.dumps(at_the_bound.json(), ensure_ascii=False)


def test_a_body_deep_enough_to_exhaust_recursion_is_a_400_not_a_500(liaison, api_for):
    response = post(api_for(liaison), nested(100_000))

    assert response.status_code == 400
    assert "嵌套层数超过 20 层" in response.json()["detail"]


def test_a_json_list_inside_a_form_is_bounded_too(clerk, api_for):
    """A multipart form may carry a list as one JSON string (``items=[{...}]``): the same bound applies."""
    for depth in (21, 100_000):
        items = "[" * depth + "]" * depth
        response = api_for(clerk).post("/api/v1/notices/", {"items": items, "units": "1"}, format="multipart")

        assert response.status_code == 400, response.content.decode()
        assert response.json() == {"detail": "JSON 嵌套层数超过 20 层，请求无法处理。"}


def test_depth_is_measured_without_recursion():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert exceeds_depth(deep, 20)
    assert not exceeds_depth({"a": [{"b": [1, 2, {"c": None}]}]}, 5)
    assert exceeds_depth({"a": [{"b": [1, 2, {"c": []}]}]}, 5)
