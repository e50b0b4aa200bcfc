"""JSON request bodies with a bounded nesting depth.

Python's json module parses nested arrays and objects recursively: a body of a few thousand ``[`` exhausts the
interpreter's recursion limit (a 500), and a deep but parseable one costs every later walk over it (serializers,
validation) a frame per level. No request of the API nests deeper than a handful of levels (a notice's items, a
reply's results), so anything past ``LINKAGE_JSON_MAX_DEPTH`` (20) is refused with a Chinese 400 before a view
sees it.
"""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, MultiPartParser

DEFAULT_MAX_DEPTH = 20


def max_depth():
    return getattr(settings, "LINKAGE_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def too_deep_message():
    return f"JSON 嵌套层数超过 {max_depth()} 层，请求无法处理。"


def exceeds_depth(value, limit) -> bool:
    """Whether arrays and objects in ``value`` nest more than ``limit`` levels (a scalar is level 0). Iterative,
    so a value of any depth is measured without recursion."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def check_depth(value):
    """Raise DRF's ParseError (400) for a parsed JSON value nested too deeply."""
    if exceeds_depth(value, max_depth()):
        raise ParseError(too_deep_message())
    return value


def loads(text):
    """``json.loads`` for JSON that arrives inside a form field: a ValueError for bad JSON, DRF's ParseError (400)
    for JSON nested too deeply."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ParseError(too_deep_message()) from None
    return check_depth(value)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than LINKAGE_JSON_MAX_DEPTH with a Chinese 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep_message()) from None
        return check_depth(data)


# The parsers of an operation that takes a file: JSON, or multipart with the file (the API's default is JSON only).
UPLOAD_PARSERS = [BoundedJSONParser, MultiPartParser]
