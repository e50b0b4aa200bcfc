"""Is the live OpenAPI schema still a superset of the last published one (issue 21 item 6)? Member units' systems
are built on the published v1 (docs/openapi-v1.json): adding is fine, removing or retyping is not.

`breaking_changes(published, live)` lists, in words, what a client of `published` would lose in `live`:
- an operation (path and method);
- a parameter, or a parameter or request field that became required (an old client does not send it);
- a request content type (except a form encoding while the operation still takes JSON);
- a response status code of the operation;
- a field of a request or response body, at any depth (`results[].listing.name`), or a change of its type;
- a value of a request enum (an old client may send it).
Added operations, parameters, fields, status codes and response enum values are not reported.

`live_schema()` is the schema as `manage.py spectacular` writes it; `manage.py api_snapshot` refreshes the snapshot.
"""

import json
from pathlib import Path

from django.conf import settings

METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
SNAPSHOT_PATH = Path(settings.BASE_DIR) / "docs" / "openapi-v1.json"


def live_schema():
    """The schema the server publishes at /api/v1/schema/, as JSON-ready data."""
    from drf_spectacular.renderers import OpenApiJsonRenderer
    from drf_spectacular.settings import spectacular_settings

    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS()
    schema = generator.get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


def dump(schema):
    """The snapshot's text: sorted keys, so a refresh shows as a readable diff."""
    return json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ------------------------------------------------------------------------------------------------ fields


def _resolve(schema, node, seen=()):
    """The node with `$ref`s and `allOf`s merged into one dict (cycles stop at a ref already being resolved)."""
    if not isinstance(node, dict):
        return {}, seen
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return {}, seen
        target = schema
        for part in ref.lstrip("#/").split("/"):
            target = target.get(part, {})
        merged, seen = _resolve(schema, target, (*seen, ref))
        return {**merged, **{k: v for k, v in node.items() if k != "$ref"}}, seen
    if "allOf" in node:
        merged = {k: v for k, v in node.items() if k != "allOf"}
        for part in node["allOf"]:
            resolved, seen = _resolve(schema, part, seen)
            for key, value in resolved.items():
                if key == "properties":
                    merged.setdefault("properties", {}).update(value)
                elif key == "required":
                    merged["required"] = [*merged.get("required", []), *value]
                else:
                    merged.setdefault(key, value)
        return merged, seen
    return node, seen


def fields(schema, node, prefix="", seen=()):
    """{path: {"type", "required", "enum"}} of every field under `node`: properties by name, array items as `[]`,
    the alternatives of a oneOf/anyOf together."""
    node, seen = _resolve(schema, node, seen)
    found = {}
    for key in ("oneOf", "anyOf"):
        for alternative in node.get(key, []):
            for path, info in fields(schema, alternative, prefix, seen).items():
                found.setdefault(path, info)
    if node.get("type") == "array" or "items" in node:
        found.update(fields(schema, node.get("items", {}), f"{prefix}[]", seen))
    required = set(node.get("required", []))
    for name, child in (node.get("properties") or {}).items():
        path = f"{prefix}.{name}" if prefix else name
        resolved, _ = _resolve(schema, child, seen)
        found[path] = {"type": resolved.get("type"), "required": name in required,
                       "enum": resolved.get("enum"), "readOnly": resolved.get("readOnly", False)}
        found.update(fields(schema, child, path, seen))
    return found


# ------------------------------------------------------------------------------------------------ comparison


def _operations(schema):
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method in METHODS and isinstance(operation, dict):
                yield f"{method.upper()} {path}", operation


def _parameters(operation):
    return {(p.get("in"), p.get("name")): p for p in operation.get("parameters", []) if isinstance(p, dict)}


def _compare_fields(where, old, new, *, request):
    problems = []
    for path, info in old.items():
        if path not in new:
            problems.append(f"{where}: 字段 {path} 被删除")
            continue
        now = new[path]
        if info["type"] and now["type"] and info["type"] != now["type"]:
            problems.append(f"{where}: 字段 {path} 的类型由 {info['type']} 改为 {now['type']}")
        if request and info["enum"] and now["enum"] is not None:
            lost = [value for value in info["enum"] if value not in now["enum"]]
            if lost:
                problems.append(f"{where}: 字段 {path} 不再接受 {lost}")
        if request and now["required"] and not info["required"]:
            problems.append(f"{where}: 字段 {path} 改为必填")
    if request:
        problems += [f"{where}: 新增必填字段 {path}" for path, info in new.items()
                     if path not in old and info["required"] and "." not in path and "[]" not in path]
    return problems


def breaking_changes(published, live):
    """What a client written against `published` loses in `live`, one sentence each (empty: compatible)."""
    problems = []
    live_operations = dict(_operations(live))
    for name, old in _operations(published):
        new = live_operations.get(name)
        if new is None:
            problems.append(f"{name}: 操作被删除")
            continue
        old_parameters, new_parameters = _parameters(old), _parameters(new)
        for key, parameter in old_parameters.items():
            if key not in new_parameters:
                problems.append(f"{name}: 参数 {key[1]}（{key[0]}）被删除")
            elif new_parameters[key].get("required") and not parameter.get("required"):
                problems.append(f"{name}: 参数 {key[1]} 改为必填")
        problems += [f"{name}: 新增必填参数 {key[1]}" for key, parameter in new_parameters.items()
                     if key not in old_parameters and parameter.get("required")]
        old_body = old.get("requestBody", {}).get("content", {})
        new_body = new.get("requestBody", {}).get("content", {})
        if new.get("requestBody", {}).get("required") and not old.get("requestBody", {}).get("required") and old_body:
            problems.append(f"{name}: 请求体改为必填")
        for content_type, media in old_body.items():
            if content_type not in new_body:
                if not (content_type in FORM_TYPES and "application/json" in new_body):
                    problems.append(f"{name}: 不再接受 {content_type} 请求体")
                continue
            problems += _compare_fields(f"{name} 请求（{content_type}）", fields(published, media.get("schema", {})),
                                        fields(live, new_body[content_type].get("schema", {})), request=True)
        for status, response in old.get("responses", {}).items():
            new_response = new.get("responses", {}).get(status)
            if new_response is None:
                problems.append(f"{name}: 响应 {status} 被删除")
                continue
            for content_type, media in (response.get("content") or {}).items():
                new_media = (new_response.get("content") or {}).get(content_type)
                if new_media is None:
                    problems.append(f"{name}: 响应 {status} 不再以 {content_type} 返回")
                    continue
                problems += _compare_fields(f"{name} 响应 {status}", fields(published, media.get("schema", {})),
                                            fields(live, new_media.get("schema", {})), request=False)
    return problems
