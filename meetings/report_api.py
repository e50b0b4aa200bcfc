"""The court's annual report PDF by API (issue 21 item 3: the documents the pages offer): the same PDF to the same
people as the report's page (`AnnualReport.objects.visible_to`); anybody else gets a 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from linkage.api import DOWNLOAD_RENDERERS, NO_FORMAT
from linkage.pdf import pdf_response

from . import documents
from .models import AnnualReport


class AnnualReportPdfView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(summary="执行联动工作年度报告 PDF", operation_id="reports_pdf_retrieve",
                   description="与报告页面的 PDF 相同：本院人员和本辖区政法委（已报送的）可取得；其他返回 404。",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="年度报告 id"), NO_FORMAT],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              404: OpenApiResponse(description="不存在或无权查看")})
    def get(self, request, pk):
        report = get_object_or_404(AnnualReport.objects.visible_to(request.user).select_related("court", "created_by",
                                                                                              "sent_by"), pk=pk)
        return pdf_response(documents.annual_report_pdf(report), documents.annual_report_filename(report),
                            as_attachment=False)
