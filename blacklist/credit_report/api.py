"""The judicial credit report by API (云府 item 17: for the credit platforms the court sends it to): the latest report
of a party as JSON (generated when it has none yet), a new one on POST, and its PDF. For the staff of the case's
court and their court's system accounts; anybody else gets 404 (the committee's POST: 403, as every API write)."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from linkage.api import DOWNLOAD_RENDERERS, NO_FORMAT, NamedChoiceField, WriteRolePermission
from linkage.pdf import pdf_response

from ..report_models import ReportReason
from . import schema, services
from .documents import credit_report_filename, credit_report_pdf

PARTY = OpenApiParameter("party_id", int, OpenApiParameter.PATH, description="当事人 id")
NOT_FOUND = OpenApiResponse(description="不存在或无权查看")


class CreditReportSerializer(serializers.Serializer):
    """A report: its number, when and why it was generated, and its sections as generated."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text="报告编号")
    generated_at = serializers.DateTimeField()
    reason = NamedChoiceField(choices=ReportReason.choices, enum_name="CreditReportReasonEnum",
                              help_text="concluded（结案生成）或 requested（依申请重新生成）")
    reason_display = serializers.CharField()
    party = schema.section(schema.ReportPartySerializer, help_text="当事人")
    case = schema.section(schema.ReportCaseSerializer, help_text="案件")
    performance = schema.section(schema.ReportPerformanceSerializer, help_text="履行情况")
    listings = schema.section(schema.ReportListingSerializer, many=True, help_text="失信被执行人名单记录及其经过")
    restriction_orders = schema.section(schema.ReportRestrictionSerializer, many=True, help_text="限制消费令")
    graces = schema.section(schema.ReportGraceSerializer, many=True, help_text="暂缓惩戒及履行计划")
    credit_repairs = schema.section(schema.ReportRepairSerializer, many=True, help_text="信用修复申请")
    abuse_findings = schema.section(schema.ReportFindingSerializer, many=True,
                                    help_text="妨害诉讼、执行行为记录（已撤回的不列）")
    abuse_findings_withheld = serializers.BooleanField(
        help_text="true：妨害诉讼、执行行为记录仅法院可见，向信用平台（联合惩戒单位）提供时不含该部分（abuse_findings 为空）")


def report_json(report, *, platform=False):
    data = services.for_platform(report.data) if platform else {**report.data, "abuse_findings_withheld": False}
    return {"id": report.pk, "number": report.number, "generated_at": report.generated_at,
            "reason": report.reason, "reason_display": report.get_reason_display(), **data}


def _party(user, party_id):
    return get_object_or_404(services.parties_for(user).select_related("case__court"), pk=party_id)


class CreditReportView(APIView):
    permission_classes = [IsAuthenticated, WriteRolePermission]

    @extend_schema(summary="司法信用报告", operation_id="parties_credit_report_retrieve", parameters=[PARTY],
                   description="当事人最新的司法信用报告。本院执行人员可取得（尚无报告的，即时生成一份）；联合惩戒单位"
                   "（信用平台）的联络员及其系统账号只读本辖区法院已结案案件的报告（结案时生成的及其后重新生成的最新一份），"
                   "不含仅法院可见的妨害诉讼、执行行为记录（abuse_findings_withheld 为 true）；其他返回 404。",
                   responses={200: CreditReportSerializer, 404: NOT_FOUND})
    def get(self, request, party_id):
        platform_party = services.platform_parties(request.user).filter(pk=party_id).first()
        if platform_party is not None:
            report = services.latest_report(platform_party)
            return Response(CreditReportSerializer(report_json(report, platform=True)).data)
        party = _party(request.user, party_id)
        with transaction.atomic():
            report = services.latest_or_new(actor=request.user, party=party)
        return Response(CreditReportSerializer(report_json(report)).data)

    @extend_schema(summary="重新生成司法信用报告", operation_id="parties_credit_report_create", parameters=[PARTY],
                   request=None, description="按当前情况重新生成一份报告（原报告保留）。本院执行人员；其他返回 404。",
                   responses={201: CreditReportSerializer, 404: NOT_FOUND})
    def post(self, request, party_id):
        party = _party(request.user, party_id)
        report = services.regenerate_report(actor=request.user, party=party)
        return Response(CreditReportSerializer(report_json(report)).data, status=status.HTTP_201_CREATED)


class CreditReportPdfView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(summary="司法信用报告 PDF", operation_id="parties_credit_report_pdf_retrieve",
                   parameters=[PARTY, NO_FORMAT],
                   description="与 JSON 相同的最新报告的 PDF。本院执行人员可取得；其他返回 404。",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND})
    def get(self, request, party_id):
        party = _party(request.user, party_id)
        with transaction.atomic():
            report = services.latest_or_new(actor=request.user, party=party)
        return pdf_response(credit_report_pdf(report), credit_report_filename(report))
