"""Shared API plumbing: pagination, the error conventions of docs/api.md."""


import json

import django_filters.rest_framework
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError, WorkRefused, duplicate_message
from .pagination import CappedCountPaginator


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedCountPaginator

    def get_page_size(self, request):
        """page_size must be a whole number from 1 to max_page_size (docs/api.md: "max 200"); anything else is
        refused with a message, never silently capped or ignored."""
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        try:
            size = int(raw[-1])
        except ValueError:
            size = 0
        if len(raw) > 1 or not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"每页条数应为1到{self.max_page_size}之间的整数。"]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.page_query_param: {"minimum": 1},
                  self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size, "default": self.page_size}}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def get_page_number(self, request, paginator):
        """One page number; an empty or repeated `page` is refused (a non-number is DRF's 404 "无效页面")."""
        raw = request.query_params.getlist(self.page_query_param)
        if len(raw) > 1 or (raw and not raw[0].strip()):
            raise ValidationError({self.page_query_param: ["页码应为一个正整数。"]})
        return super().get_page_number(request, paginator)


def not_found(request, exception=None):
    """404 for the whole site: the API answers in JSON as docs/api.md says, pages with the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器内部错误，请稍后重试；如持续出现请联系系统管理员。"}, status=500)
    return default_server_error(request)


JSON_PARSE_ERROR = "请求内容不是有效的 JSON，无法解析。"
PARSE_ERROR = "请求内容无法解析，请检查格式后重试。"
DRF_PARSE_ERRORS = ("JSON parse error", "Multipart form parse error", "Malformed request", "格式错误的请求")
CSRF_FAILED = "安全校验失败（CSRF）：请刷新页面后重试。"


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the refused form post in Chinese (a page; JSON under /api/), nothing changed."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": CSRF_FAILED}, status=403)
    return render(request, "403_csrf.html", status=403)


def exception_handler(exc, context):
    """ApplicationError → 400/403/409 with a Chinese message; Django ValidationError → 400 by field;
    everything else as DRF does it (with its zh-hans messages)."""
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, WorkRefused):
        return Response({"detail": exc.message}, status=exc.status_code, headers={"Retry-After": "60"})
    if isinstance(exc, IntegrityError) and (message := duplicate_message(exc)):
        return Response({"detail": message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data = {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
        else:
            data = {"detail": "；".join(exc.messages)}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到。")
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith(DRF_PARSE_ERRORS):
        # DRF's own details quote the parser's English error; the project's (e.g. too deep JSON) are kept.
        json_error = str(exc.detail).startswith("JSON parse error")
        exc = exceptions.ParseError(JSON_PARSE_ERROR if json_error else PARSE_ERROR)
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        exc = exceptions.PermissionDenied(CSRF_FAILED)
    return drf_exception_handler(exc, context)


# ---------------------------------------------------------------------------- helpers shared by the app APIs


def flatten_errors(errors, labels=None):
    """Turn DRF's nested serializer errors into the contract's `{"field": ["中文信息"]}`: an error inside the
    n-th element of a list becomes `第n项：字段名：信息` under the list's own field name."""
    labels = labels or {}
    flat = {}
    for field, detail in errors.items():
        if isinstance(detail, dict):
            messages = _nested_messages(detail, "", labels)
        elif isinstance(detail, list) and any(isinstance(item, dict) for item in detail):
            messages = []
            for index, item in enumerate(detail, start=1):
                if item:
                    messages += _nested_messages(item, f"第{index}项：", labels)
        else:
            messages = [str(message) for message in detail]
        flat[field] = messages
    return flat


def _nested_messages(detail, prefix, labels):
    messages = []
    for name, errors in detail.items():
        label = labels.get(name, name)
        if isinstance(errors, dict):
            messages += _nested_messages(errors, f"{prefix}{label}：", labels)
        elif isinstance(errors, list) and any(isinstance(item, dict) for item in errors):
            for index, item in enumerate(errors, start=1):
                if item:
                    messages += _nested_messages(item, f"{prefix}{label}第{index}项：", labels)
        else:
            messages += [f"{prefix}{label}：{message}" for message in errors]
    return messages


def field_labels(serializer_class):
    """Chinese labels of a serializer's fields and of the fields of the serializers nested in it."""
    labels = {}
    for name, field in serializer_class().fields.items():
        labels[name] = str(field.label or name)
        child = getattr(field, "child", None)
        for nested in (field, child):
            if isinstance(nested, serializers.Serializer):
                labels.update({k: v for k, v in field_labels(type(nested)).items() if k not in labels})
    return labels


def validated(serializer_class, data, *, partial=False):
    """Validate `data` with the serializer and return its validated data, or raise a 400 in the contract's form."""
    serializer = serializer_class(data=data, partial=partial)
    if not serializer.is_valid():
        raise ValidationError(flatten_errors(serializer.errors, field_labels(serializer_class)))
    return dict(serializer.validated_data)


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose values are one named enum component of the OpenAPI schema (`PartyKindEnum`), so the
    several choice sets behind fields called `kind` or `state` neither collide nor get hashed names."""

    def __init__(self, *args, enum_name, **kwargs):
        self.enum_name = enum_name
        super().__init__(*args, **kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {"type": "string", "enum": list(field.choices)}
        schema["description"] = "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items())
        component = ResolvedComponent(
            name=field.enum_name, type=ResolvedComponent.SCHEMA, object=field.enum_name, schema=schema
        )
        auto_schema.registry.register_on_missing(component)
        if field.allow_blank:  # "" as the one BlankEnum component, like the model fields' blank choices
            blank = ResolvedComponent(name="BlankEnum", type=ResolvedComponent.SCHEMA, object="BlankEnum",
                                      schema={"enum": [""]})
            auto_schema.registry.register_on_missing(blank)
            return {"oneOf": [component.ref, blank.ref]}
        return component.ref


class WriteRolePermission(BasePermission):
    """Reads are open to every logged-in user (the queryset filters rows); the committee only reads (docs/api.md),
    so its writes are refused before the body is parsed. Every other write is decided by the service."""

    message = "政法委只能查看，不能办理或修改。"

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or not request.user.is_committee


# -------------------------------------------------------------------------------------------- serializers


# ---------------------------------------------------------------------------- filters that refuse what they cannot read


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); absent means no filter; anything else is an error, not silently "no filter"."""

    TRUE, FALSE = ("true", "True", "1"), ("false", "False", "0")

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value is True or value in self.TRUE:
            return True
        if value is False or value in self.FALSE:
            return False
        raise DjangoValidationError("应为 true 或 false。", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanWidget(forms.Widget):
    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if len(values) > 1:
            return "invalid: repeated"
        return values[0] if values else None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", StrictBooleanWidget)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """A filter on an object's id: a whole number from 1 (documented as an integer, not a number)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class FilterSet(django_filters.rest_framework.FilterSet):
    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class FilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """django-filter with strict booleans for the filters generated from `filterset_fields` too."""

    filterset_base = FilterSet


# ------------------------------------------------------------------------------------------------ file downloads


class DownloadRenderer(BaseRenderer):
    """Lets a file be asked for with any Accept header (`application/pdf`, `image/*`); the file itself is sent as
    a Django response and never passes through a renderer, so this only ever renders an error body, as JSON."""

    media_type = "*/*"
    format = "download"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


DOWNLOAD_RENDERERS = [JSONRenderer, DownloadRenderer]
# A file operation has no `?format=`: the schema leaves the parameter out.
NO_FORMAT = OpenApiParameter("format", exclude=True)
