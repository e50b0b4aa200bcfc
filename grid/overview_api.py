"""`GET /api/v1/grid/overview/?year=`: the grid overview's figures (`grid/overview.py`) for the caller — a court's
staff its own court's tasks, the committee its jurisdiction's, a subdistrict's liaison its own subdistrict's;
anybody else 404. A year the overview cannot show is a 400."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .overview import Period, overview_for, year_or_none


class GridFiguresSerializer(serializers.Serializer):
    sent = serializers.IntegerField(help_text="发出件数（已撤回的不计）")
    on_time = serializers.IntegerField(help_text="在办理期限当日结束前回复的件数")
    late = serializers.IntegerField(help_text="期限届满后才回复的件数")
    pending = serializers.IntegerField(help_text="尚未回复、仍在期限内的件数")
    overdue = serializers.IntegerField(help_text="期限届满仍未回复的件数")
    on_time_rate = serializers.FloatField(allow_null=True,
                                          help_text="按期回复 ÷（已回复 + 逾期未回复），四位小数；无可计件数时为 null")


class GridCommunityOverviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    active = serializers.BooleanField(help_text="是否在册")
    figures = GridFiguresSerializer()


class GridSubdistrictOverviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    figures = GridFiguresSerializer(help_text="本街道（镇）合计")
    communities = GridCommunityOverviewSerializer(many=True)


class GridOverviewSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    first_day = serializers.DateField(help_text="统计期间首日（按发出时间）")
    last_day = serializers.DateField(help_text="统计期间末日")
    as_of = serializers.DateField(help_text="逾期判断的日期（今天）")
    totals = GridFiguresSerializer()
    subdistricts = GridSubdistrictOverviewSerializer(many=True)


def overview_data(overview, year):
    return {
        "year": year, "first_day": overview.period.first, "last_day": overview.period.last, "as_of": overview.today,
        "totals": overview.totals.as_dict(),
        "subdistricts": [
            {"id": row.subdistrict.pk, "code": row.subdistrict.code, "name": row.subdistrict.name,
             "short_name": row.subdistrict.short_name, "figures": row.figures.as_dict(),
             "communities": [{"id": line.community.pk, "code": line.community.code, "name": line.community.name,
                              "active": line.community.active, "figures": line.figures.as_dict()}
                             for line in row.communities]}
            for row in overview.subdistricts
        ],
    }


class GridOverviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="grid_overview",
        summary="网格协助情况统计",
        parameters=[OpenApiParameter("year", int, OpenApiParameter.QUERY, required=False,
                                     description="统计年度（按发出时间），默认今年")],
        responses={200: GridOverviewSerializer, 400: OpenApiResponse(description="年度无法识别"),
                   404: OpenApiResponse(description="无权查看")},
    )
    def get(self, request):
        value = request.query_params.get("year")
        year = timezone.localdate().year if value in (None, "") else year_or_none(value)
        if year is None:
            raise ValidationError({"year": ["年度无法识别，应为2004年至明年之间的年份。"]})
        overview = overview_for(request.user, Period.of_year(year))
        if overview is None:
            raise Http404
        return Response(GridOverviewSerializer(overview_data(overview, year)).data)
