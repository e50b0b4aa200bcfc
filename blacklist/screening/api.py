"""`/api/v1/screenings/`: a unit's liaison screens applicants against the published list (docs/api.md).

POST takes JSON `{"applicants": [{"name", "id_number" | "credit_code"}, ...]}` or a multipart upload `file` (.xlsx
or .csv with the columns 姓名 and 证件号码); the answer (201) is the batch with one result per applicant: `hit`,
`name_matches` and, for a hit, the listing's published fields (the caller already holds the identifier, so nothing
is masked). GET lists the caller's unit's batches; another unit's batch is a 404. Hits are reported to the
listing's court by the service, never here.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from linkage.api import WriteRolePermission
from linkage.errors import ApplicationError, PermissionDenied
from linkage.parsers import UPLOAD_PARSERS

from ..models import ListingGround, ScreeningBatch, ScreeningResult, ScreeningSource
from . import services as screening

GROUNDS = dict(ListingGround.choices)


class ScreeningListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(label="姓名或名称")
    case_number = serializers.CharField(label="案号")
    court_name = serializers.CharField(label="执行法院")
    ground = serializers.IntegerField(label="失信情形代码")
    ground_display = serializers.CharField(label="失信情形")
    published_on = serializers.DateField(label="发布时间", allow_null=True)


class ScreeningResultSerializer(serializers.ModelSerializer):
    listing = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningResult
        fields = ["row_number", "name", "id_number", "credit_code", "hit", "name_matches", "listing"]

    @extend_schema_field(ScreeningListingSerializer(allow_null=True))
    def get_listing(self, result):
        listing = result.listing
        if listing is None:
            return None
        return {"id": listing.pk, "name": listing.name, "case_number": listing.case_number,
                "court_name": listing.court_name, "ground": listing.ground,
                "ground_display": GROUNDS.get(listing.ground, ""), "published_on": listing.published_on}


class ScreeningBatchSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.display_name", read_only=True)

    class Meta:
        model = ScreeningBatch
        fields = ["id", "unit", "unit_name", "submitted_by", "submitted_by_name", "submitted_at", "source",
                  "file_name", "total", "hits"]


class ScreeningDetailSerializer(ScreeningBatchSerializer):
    results = serializers.SerializerMethodField()

    class Meta(ScreeningBatchSerializer.Meta):
        fields = [*ScreeningBatchSerializer.Meta.fields, "results"]

    @extend_schema_field(ScreeningResultSerializer(many=True))
    def get_results(self, batch):
        return ScreeningResultSerializer(screening.results_hits_first(batch), many=True).data


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(label="姓名或名称", required=False, allow_blank=True)
    id_number = serializers.CharField(label="公民身份号码", required=False, allow_blank=True)
    credit_code = serializers.CharField(label="统一社会信用代码", required=False, allow_blank=True)


class ScreeningCreateSerializer(serializers.Serializer):
    applicants = ApplicantSerializer(many=True, help_text="需要筛查的人员，最多 20,000 人")


class ScreeningUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx 或 .csv 文件，表头为 姓名、证件号码")


@extend_schema_view(
    list=extend_schema(summary="本单位的失信筛查", description="联络员看到本单位的筛查批次（不含逐人结果，见详情）。"),
    retrieve=extend_schema(summary="失信筛查结果", description="逐人结果，命中的在前。其他单位的筛查返回 404。",
                           responses={200: ScreeningDetailSerializer, 404: OpenApiResponse(description="不存在或无权查看")}),
    create=extend_schema(
        summary="筛查申请人是否为失信被执行人（联络员）",
        description="JSON 的 applicants 或 multipart 上传的 file（.xlsx/.csv，表头 姓名、证件号码）。先校验全部行，"
        "任何一行有误则整批不筛查（400，信息中写明行号）。按证件号码与已发布的名单比对，姓名用于确认"
        "（name_matches）；命中的自动反馈给名单的执行法院。",
        request={"application/json": ScreeningCreateSerializer, "multipart/form-data": ScreeningUploadSerializer},
        responses={201: ScreeningDetailSerializer, 400: OpenApiResponse(description="输入不合格（中文信息，含行号）"),
                   403: OpenApiResponse(description="只有联络员可以筛查")},
    ),
)
class ScreeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, WriteRolePermission]
    parser_classes = UPLOAD_PARSERS
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return ScreeningBatchSerializer if self.action == "list" else ScreeningDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ScreeningBatch.objects.none()
        return screening.screenings_for(self.request.user).select_related("unit", "submitted_by")

    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.is_liaison:  # refused before the file is read; screen_applicants holds the same rule
            raise PermissionDenied("只有成员单位联络员可以进行失信筛查。")
        upload = request.FILES.get("file")
        if upload is not None:
            applicants = screening.parse_upload(upload)
            source, file_name = ScreeningSource.UPLOAD, upload.name
        else:
            data = request.data
            applicants = data.get("applicants") if isinstance(data, dict) or hasattr(data, "get") else None
            if not isinstance(applicants, list):
                raise ApplicationError("请提供 applicants 列表（JSON）或上传 file 文件。", field="applicants")
            applicants = [
                {key: item.get(key) for key in ("name", "id_number", "credit_code")} if isinstance(item, dict)
                else item
                for item in applicants
            ]
            source, file_name = ScreeningSource.API, ""
        batch = screening.screen_applicants(actor=user, applicants=applicants, source=source, file_name=file_name)
        batch = self.get_queryset().get(pk=batch.pk)
        return Response(ScreeningDetailSerializer(batch).data, status=status.HTTP_201_CREATED)
