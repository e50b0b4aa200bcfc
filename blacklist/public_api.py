"""`GET /api/v1/public/debtors/?name=&id_number=`: the public search of the dishonest-debtor list (docs/api.md).

No login, rate limited per client address (shared with the page), published listings only, resident ID numbers
masked. The answer is a bounded list, not a paginated one: at most `limit` rows (default 20, at most 50) with
`truncated` telling that more matched — the public can narrow its query but never page through the whole list.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from linkage.api import FastRepresentationMixin

from .public import PROMPT, TOO_MANY_MESSAGE, public_search, rate_limited, retry_after


class PublicDebtorSerializer(FastRepresentationMixin, serializers.Serializer):
    name = serializers.CharField(label="姓名或名称")
    id_number = serializers.CharField(label="公民身份号码（部分隐去）", allow_blank=True)
    credit_code = serializers.CharField(label="统一社会信用代码", allow_blank=True)
    legal_representative = serializers.CharField(label="法定代表人或负责人", allow_blank=True)
    sex = serializers.CharField(label="性别", allow_blank=True)
    age = serializers.IntegerField(label="年龄", allow_null=True)
    obligation = serializers.CharField(label="生效法律文书确定的义务")
    performed_amount = serializers.DecimalField(label="已履行（元）", max_digits=16, decimal_places=2)
    unperformed_amount = serializers.DecimalField(label="未履行（元）", max_digits=16, decimal_places=2)
    ground = serializers.IntegerField(label="失信情形代码（1-6）")
    ground_label = serializers.CharField(label="失信情形")
    facts = serializers.CharField(label="失信行为具体情形")
    basis_issuer = serializers.CharField(label="执行依据制作单位")
    basis_number = serializers.CharField(label="执行依据文号")
    case_number = serializers.CharField(label="案号")
    filed_on = serializers.DateField(label="立案时间")
    court_name = serializers.CharField(label="执行法院")
    published_on = serializers.DateField(label="发布时间", allow_null=True)


class PublicSearchResponseSerializer(FastRepresentationMixin, serializers.Serializer):
    count = serializers.IntegerField(label="本次返回的条数（不是总数）")
    truncated = serializers.BooleanField(label="是否还有更多符合条件的记录未返回")
    results = PublicDebtorSerializer(many=True)
    suggestions = serializers.ListField(child=serializers.CharField(), label="同音姓名建议（您是不是要找）")
    detail = serializers.CharField(label="提示", allow_blank=True)


DETAIL = inline_serializer("PublicSearchDetail", {"detail": serializers.CharField()})


@extend_schema(
    operation_id="public_debtors_search",
    tags=["public"],
    summary="失信被执行人公开查询",
    description=(
        "无需登录。按身份证号码或统一社会信用代码精确查询，或按姓名/名称前缀查询（至少2个字；“张伟”可查到“张伟”“张伟强”），"
        "并给出同音姓名建议。只返回已发布的名单，身份证号码隐去中间部分，统一社会信用代码完整显示。"
        "返回有上限的列表（不分页）：最多 limit 条（默认20，最多50），truncated 表示还有更多。"
        "按客户端地址限制频率（每分钟 PUBLIC_SEARCH_RATE_PER_MINUTE 次，与网页查询合计），超过时返回 429。"
    ),
    auth=[],
    parameters=[
        OpenApiParameter("name", str, description="姓名或名称（至少2个字，前缀匹配）"),
        OpenApiParameter("id_number", str, description="身份证号码（15位或18位，x 不区分大小写）或统一社会信用代码，精确匹配"),
        OpenApiParameter("limit", int, description="最多返回条数，默认20，最多50"),
    ],
    responses={
        200: PublicSearchResponseSerializer,
        400: OpenApiResponse(DETAIL, description="未输入查询条件、姓名不足2个字、证件号码格式错误或 limit 不是整数"),
        429: OpenApiResponse(DETAIL, description="查询过于频繁",
                             examples=[OpenApiExample("429", value={"detail": TOO_MANY_MESSAGE})]),
    },
)
@api_view(["GET"])
@authentication_classes([])  # public: a stale or wrong token must not turn the public search into a 401
@permission_classes([AllowAny])
def public_debtors(request):
    name, identifier = request.query_params.get("name", ""), request.query_params.get("id_number", "")
    if not name.strip() and not identifier.strip():  # nothing to search: answered without counting
        return Response({"detail": PROMPT}, status=400)
    if rate_limited(request):
        return Response({"detail": TOO_MANY_MESSAGE}, status=429, headers={"Retry-After": retry_after()})
    try:
        limit = int(request.query_params.get("limit", 20))
    except ValueError:
        return Response({"detail": "limit 应为1到50之间的整数。"}, status=400)
    result = public_search(name=name, identifier=identifier, limit=limit)
    if not result.searched:
        return Response({"detail": result.message}, status=400)
    data = PublicSearchResponseSerializer({
        "count": len(result.results), "truncated": result.truncated, "results": result.results,
        "suggestions": result.suggestions, "detail": result.message,
    }).data
    return Response(data)
