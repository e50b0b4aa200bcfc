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

from . import captcha as public_captcha
from .guard import guarded_search
from .search import PROMPT, TOO_MANY_MESSAGE, rate_limited, retry_after


class PublicDebtorSerializer(serializers.Serializer):
    name = serializers.CharField(label="姓名或名称")
    id_number = serializers.CharField(label="公民身份号码（部分隐去）", allow_blank=True)
    credit_code = serializers.CharField(label="统一社会信用代码", allow_blank=True)
    legal_representative = serializers.CharField(label="法定代表人或负责人", allow_blank=True)
    sex = serializers.CharField(label="性别", allow_blank=True)
    age = serializers.IntegerField(label="年龄（仅在不显示身份证号码的部分字符时给出）", allow_null=True)
    age_band = serializers.CharField(label="年龄段（如“30-39岁”；与部分隐去的身份证号码一同显示时代替年龄）",
                                     allow_blank=True)
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


class PublicSearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(label="本次返回的条数（不是总数）")
    truncated = serializers.BooleanField(label="是否还有更多符合条件的记录未返回")
    results = PublicDebtorSerializer(many=True)
    suggestions = serializers.ListField(child=serializers.CharField(), label="同音姓名建议（您是不是要找）")
    detail = serializers.CharField(label="提示", allow_blank=True)


DETAIL = inline_serializer("PublicSearchDetail", {"detail": serializers.CharField()})
CAPTCHA_DETAIL = inline_serializer("PublicSearchCaptcha", {
    "detail": serializers.CharField(),
    "captcha_key": serializers.CharField(required=False, help_text="需要验证码时：新验证码的编号"),
    "captcha_url": serializers.CharField(required=False, help_text="需要验证码时：验证码图片（PNG）的地址"),
})


@extend_schema(
    operation_id="public_debtors_search",
    tags=["public"],
    summary="失信被执行人公开查询",
    description=(
        "无需登录。按身份证号码或统一社会信用代码精确查询，或按姓名/名称前缀查询（至少2个字；“张伟”可查到“张伟”“张伟强”），"
        "并给出同音姓名建议。只返回已发布的名单，身份证号码隐去中间部分，统一社会信用代码完整显示。"
        "返回有上限的列表（不分页）：最多 limit 条（默认20，最多50），truncated 表示还有更多。"
        "按客户端地址限制频率（每分钟 PUBLIC_SEARCH_RATE_PER_MINUTE 次，与网页查询合计），超过时返回 429。"
        "按身份证号码查询须同时给出完整姓名（name 精确匹配）和校验位正确的号码；每个客户端地址每天可查询的不同号码个数有上限"
        "（PUBLIC_ID_DAILY_BUDGET，超过返回 429）；当天未命中达 PUBLIC_ID_CAPTCHA_AFTER_MISSES 次后，每次须带验证码"
        "（captcha_key 与 captcha；缺少或错误时返回 400，并给出新的 captcha_key 与图片地址 captcha_url）；"
        "同一隐去后号码的未命中次数在 PUBLIC_ID_PATTERN_WINDOW_DAYS 天内达 PUBLIC_ID_PATTERN_MISS_LIMIT 次后，"
        "该号码暂停按号码查询（429）。年龄以年龄段 age_band 显示。"
    ),
    auth=[],
    parameters=[
        OpenApiParameter("name", str, description="姓名或名称（至少2个字，前缀匹配）"),
        OpenApiParameter("id_number", str, description="身份证号码（15位或18位，x 不区分大小写）或统一社会信用代码，精确匹配"),
        OpenApiParameter("limit", int, description="最多返回条数，默认20，最多50"),
        OpenApiParameter("captcha_key", str, description="验证码编号（需要验证码时由 400 回答给出）"),
        OpenApiParameter("captcha", str, description="验证码图片中的数字"),
    ],
    responses={
        200: PublicSearchResponseSerializer,
        400: OpenApiResponse(CAPTCHA_DETAIL, description="未输入查询条件、姓名不足2个字、证件号码格式或校验位错误、"
                             "按身份证号码查询未给出姓名、limit 不是整数，或者需要验证码（给出 captcha_key 与 captcha_url）"),
        429: OpenApiResponse(DETAIL, description="查询过于频繁、当天查询的号码个数已达上限，或该号码暂停按号码查询",
                             examples=[OpenApiExample("429", value={"detail": TOO_MANY_MESSAGE})]),
        503: OpenApiResponse(DETAIL, description="按身份证号码查询暂不可用（缓存不可用），按姓名查询不受影响"),
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
    answer = guarded_search(request, name=name, identifier=identifier, limit=limit,
                            captcha_key=request.query_params.get("captcha_key", ""),
                            captcha_answer=request.query_params.get("captcha", ""))
    if answer.result is None:
        body = {"detail": answer.message}
        if answer.captcha_key:
            body.update(captcha_key=answer.captcha_key, captcha_url=public_captcha.image_url(answer.captcha_key))
        return Response(body, status=answer.status,
                        headers={"Retry-After": answer.retry_after} if answer.retry_after else None)
    result = answer.result
    if not result.searched:
        return Response({"detail": result.message}, status=400)
    data = PublicSearchResponseSerializer({
        "count": len(result.results), "truncated": result.truncated, "results": result.results,
        "suggestions": result.suggestions, "detail": result.message,
    }).data
    return Response(data)
