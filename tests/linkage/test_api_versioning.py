"""API versioning (issue 21 item 6): the live schema keeps everything of the last published version
(docs/openapi-v1.json) — every operation, parameter, status code and request/response field, with its type —
so nothing is removed from v1 by accident; additions pass. The comparison is tested on small schemas too, so this
test fails when it should; `manage.py api_snapshot` refreshes the snapshot and refuses a breaking one."""

import copy
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from linkage import schema_compat

DOCS = Path(settings.BASE_DIR) / "docs"


@pytest.fixture(scope="module")
def live():
    return schema_compat.live_schema()


@pytest.fixture(scope="module")
def published():
    return json.loads((DOCS / "openapi-v1.json").read_text(encoding="utf-8"))


def test_the_live_schema_keeps_everything_of_the_published_version(live, published):
    assert published["paths"], "the snapshot is empty"
    problems = schema_compat.breaking_changes(published, live)
    assert problems == [], "v1 的已发布内容被删除或改动（如确属有意，请发布 /api/v2/）：\n" + "\n".join(problems)


def test_the_changelog_describes_the_published_and_the_live_version(live, published):
    changelog = (DOCS / "api-changelog.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## v(\d+\.\d+\.\d+)", changelog, flags=re.MULTILINE)
    assert published["info"]["version"] in headings
    assert live["info"]["version"] in headings  # a raised version has its entry
    assert "manage.py api_snapshot" in changelog


def test_the_feed_of_the_snapshot_is_compared_field_by_field(published):
    """The comparison reaches into nested fields of a list envelope (the feed's listing snapshot)."""
    feed = published["paths"]["/api/v1/listings/feed/"]["get"]
    found = schema_compat.fields(published, feed["responses"]["200"]["content"]["application/json"]["schema"])
    assert {"next_after_id", "results[].action", "results[].listing.name", "results[].legal_ground"} <= set(found)
    assert found["results[].listing.name"]["type"] == "string"


# ------------------------------------------------------------------------------------------------ the comparison


def schema(properties, *, required=(), parameters=(), request=None, responses=None):
    """A schema of one operation, POST /api/v1/things/, with a `Thing` component."""
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingRequest"}}}}
    return {
        "paths": {"/api/v1/things/": {"post": {
            "parameters": list(parameters),
            "requestBody": body,
            "responses": responses or {"201": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"results": {"type": "array", "items": {
                    "$ref": "#/components/schemas/Thing"}}}}}}}},
        }}},
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": properties},
            "ThingRequest": {"type": "object", "properties": request or {"name": {"type": "string"}},
                             "required": list(required)},
        }},
    }


BASE = schema({"id": {"type": "integer"}, "state": {"allOf": [{"$ref": "#/components/schemas/StateEnum"}]},
               "owner": {"type": "object", "properties": {"name": {"type": "string"}}}},
              parameters=[{"in": "query", "name": "limit", "schema": {"type": "integer"}}],
              request={"name": {"type": "string"}, "kind": {"type": "string", "enum": ["a", "b"]}})
BASE["components"]["schemas"]["StateEnum"] = {"type": "string", "enum": ["x"]}


def changed(edit):
    new = copy.deepcopy(BASE)
    edit(new)
    return schema_compat.breaking_changes(BASE, new)


def test_the_same_schema_and_additions_are_compatible():
    assert schema_compat.breaking_changes(BASE, copy.deepcopy(BASE)) == []

    def add(new):
        new["components"]["schemas"]["Thing"]["properties"]["extra"] = {"type": "string"}
        new["components"]["schemas"]["Thing"]["properties"]["owner"]["properties"]["code"] = {"type": "string"}
        new["components"]["schemas"]["ThingRequest"]["properties"]["note"] = {"type": "string"}  # optional
        new["components"]["schemas"]["ThingRequest"]["properties"]["kind"]["enum"].append("c")
        new["components"]["schemas"]["StateEnum"]["enum"].append("y")
        new["paths"]["/api/v1/things/"]["post"]["parameters"].append({"in": "query", "name": "q"})
        new["paths"]["/api/v1/things/"]["post"]["responses"]["409"] = {"description": "冲突"}
        new["paths"]["/api/v1/other/"] = {"get": {"responses": {}}}

    assert changed(add) == []


@pytest.mark.parametrize("edit, expected", [
    (lambda s: s["paths"].pop("/api/v1/things/"), "POST /api/v1/things/: 操作被删除"),
    (lambda s: s["paths"]["/api/v1/things/"]["post"]["parameters"].clear(), "参数 limit（query）被删除"),
    (lambda s: s["paths"]["/api/v1/things/"]["post"]["parameters"].append(
        {"in": "query", "name": "must", "required": True}), "新增必填参数 must"),
    (lambda s: s["paths"]["/api/v1/things/"]["post"]["responses"].pop("201"), "响应 201 被删除"),
    (lambda s: s["components"]["schemas"]["Thing"]["properties"].pop("id"), "字段 results[].id 被删除"),
    (lambda s: s["components"]["schemas"]["Thing"]["properties"]["owner"]["properties"].pop("name"),
     "字段 results[].owner.name 被删除"),
    (lambda s: s["components"]["schemas"]["Thing"]["properties"]["id"].update(type="string"),
     "字段 results[].id 的类型由 integer 改为 string"),
    (lambda s: s["components"]["schemas"]["StateEnum"].update(type="integer"),
     "字段 results[].state 的类型由 string 改为 integer"),
    (lambda s: s["components"]["schemas"]["ThingRequest"]["properties"].pop("name"), "请求（application/json）: 字段 name 被删除"),
    (lambda s: s["components"]["schemas"]["ThingRequest"].update(required=["name"]), "字段 name 改为必填"),
    (lambda s: (s["components"]["schemas"]["ThingRequest"]["properties"].update(age={"type": "integer"}),
                s["components"]["schemas"]["ThingRequest"].update(required=["age"])), "新增必填字段 age"),
    (lambda s: s["components"]["schemas"]["ThingRequest"]["properties"]["kind"].update(enum=["a"]),
     "字段 kind 不再接受 ['b']"),
    (lambda s: s["paths"]["/api/v1/things/"]["post"]["requestBody"].update(
        content={"multipart/form-data": {"schema": {}}}), "不再接受 application/json 请求体"),
])
def test_a_removal_or_a_retyping_is_reported(edit, expected):
    problems = changed(edit)
    assert any(expected in problem for problem in problems), problems


def test_a_form_encoding_may_go_while_json_stays():
    old = copy.deepcopy(BASE)
    old["paths"]["/api/v1/things/"]["post"]["requestBody"]["content"]["multipart/form-data"] = {"schema": {}}
    assert schema_compat.breaking_changes(old, copy.deepcopy(BASE)) == []


def test_a_recursive_component_does_not_loop():
    tree = {"paths": {"/t/": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/Node"}}}}}}}},
        "components": {"schemas": {"Node": {"type": "object", "properties": {
            "name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}}}
    assert set(schema_compat.fields(tree, {"$ref": "#/components/schemas/Node"})) == {"name", "children"}
    assert schema_compat.breaking_changes(tree, copy.deepcopy(tree)) == []


# ------------------------------------------------------------------------------------------------ the command


def test_the_command_checks_writes_and_refuses_a_breaking_snapshot(tmp_path, live):
    call_command("api_snapshot", "--check")  # the committed snapshot is kept
    target = tmp_path / "openapi-v1.json"
    call_command("api_snapshot", "--file", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == live
    assert target.read_text(encoding="utf-8") == schema_compat.dump(live)

    # A snapshot with an operation the live schema lacks: the check fails, a refresh refuses to drop it.
    bigger = copy.deepcopy(live)
    bigger["paths"]["/api/v1/gone/"] = {"get": {"responses": {"200": {"description": "旧操作"}}}}
    target.write_text(schema_compat.dump(bigger), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("api_snapshot", "--check", "--file", str(target))
    with pytest.raises(CommandError):
        call_command("api_snapshot", "--file", str(target))
    assert "/api/v1/gone/" in json.loads(target.read_text(encoding="utf-8"))["paths"]
    call_command("api_snapshot", "--allow-breaking", "--file", str(target))
    assert "/api/v1/gone/" not in json.loads(target.read_text(encoding="utf-8"))["paths"]
