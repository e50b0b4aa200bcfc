"""OpenAPI schema post-processing, so a client generator reads the contract the server keeps (issue 21).

- Every operation documents the error answers of docs/api.md with one `Error` component: 400 with field messages,
  401 without a token, 403, 404 for what is not the caller's, 409 for a move the state does not allow (with the
  object's `state`), 429 when throttled. An operation that describes one of them in its own words keeps its
  description and gets the body.
- Inline enums and objects carry no Chinese `title`: a generator names the class it makes for them after the title
  (`cases_list_案件状态`); the title moves into the description, so Chinese stays in the text and names stay ASCII.
- A request body offered in two encodings (JSON, or multipart with a file) is marked optional: openapi-python-client
  (0.29, issue #1451) writes `| Unset` without importing it for a required body with several content types, and the
  generated module does not import. The server still answers a missing body with a 400 in Chinese.
- Path ids are integers everywhere: a viewset's `lookup_value_regex = r"\\d+"` makes drf-spectacular write a string
  with a pattern, which a generated client would type as `str` in some operations and `int` in others."""

MESSAGES = {"type": "array", "items": {"type": "string"}}
ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：`detail` 为中文说明；字段错误时键为字段名、值为中文信息列表；状态冲突（409）时 `state` 为对象当前状态；"
                   "部分错误另有 `code`。",
    "properties": {
        "detail": {"type": "string", "description": "中文说明"},
        # `state` and `code` are also names of fields and filters, whose 400 is a list of messages.
        "state": {"oneOf": [{"type": "string"}, MESSAGES],
                  "description": "409：对象当前的状态值；400：名为 state 的字段或筛选条件的错误信息列表"},
        "code": {"oneOf": [{"type": "string"}, MESSAGES],
                 "description": "机器可读的错误代码（部分错误）；400：名为 code 的字段或筛选条件的错误信息列表"},
    },
    "additionalProperties": {
        "description": "字段错误：字段名 → 中文信息列表",
        "type": "array",
        "items": {"type": "string"},
    },
}
ERRORS = {
    "400": "请求内容有误（字段错误以字段名为键）",
    "401": "未提供或无效的令牌（请求头 Authorization: Token <令牌>）",
    "403": "无权进行此操作",
    "404": "不存在，或不属于调用者可见范围",
    "409": "当前状态不允许此操作（state 为当前状态）",
    "429": "请求过于频繁",
}
ID_PATTERN = r"^\d+$"


def _untitle(node):
    """Move the non-ASCII title of every inline enum or object into its description (components keep their names)."""
    if isinstance(node, dict):
        title = node.get("title")
        if isinstance(title, str) and not title.isascii() and ("enum" in node or node.get("type") == "object"):
            del node["title"]
            description = node.get("description", "")
            node["description"] = f"{title}。{description}" if description else title
        for value in node.values():
            _untitle(value)
    elif isinstance(node, list):
        for value in node:
            _untitle(value)


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERRORS.items():
                response = operation["responses"].setdefault(code, {"description": description})
                response.setdefault("content", content)
            body = operation.get("requestBody")
            if body and len(body.get("content", {})) > 1:
                body.pop("required", None)
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("pattern") == ID_PATTERN:
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    _untitle(result.get("paths", {}))
    for component in result["components"]["schemas"].values():
        _untitle(component.get("properties", {}))
    return result
