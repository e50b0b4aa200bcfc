"""OpenAPI schema post-processing: every operation documents the error answers of docs/api.md.

drf-spectacular documents the success answer of each operation; the errors every endpoint can give (400 with
field messages, 401 without a token, 403, 404 for what is not the caller's, 409 for a move the state does not
allow, 429 when throttled) are added here once, so a client generator, and the schemathesis run in the test
suite, know them."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：`detail` 为中文说明；字段错误时键为字段名、值为中文信息列表；状态冲突时另有 `code`。",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "请求内容有误（字段错误以字段名为键）",
    "401": "未提供或无效的令牌",
    "403": "无权进行此操作",
    "404": "不存在，或不属于调用者可见范围",
    "409": "当前状态不允许此操作",
    "429": "请求过于频繁",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERRORS.items():
                operation["responses"].setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": reference}},
                })
    return result
