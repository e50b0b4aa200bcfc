"""The restriction order's PDF and a subdistrict's community posting PDF by API (issue 21 item 3: the documents the
pages offer), the same PDFs to the same people as the pages (`views.py`); anybody else gets a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from linkage.api import DOWNLOAD_RENDERERS, NO_FORMAT
from linkage.pdf import pdf_response
from members.models import Organisation, OrganisationKind
from members.selectors import may_see_community_posting

from . import documents
from .views import community_of, posting_response, restriction_orders_visible_to

PDF = {(200, "application/pdf"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="不存在或无权查看")}


class RestrictionOrderPdfView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(summary="限制消费令 PDF", operation_id="restrictions_pdf_retrieve",
                   description="与页面的限制消费令 PDF 相同：本院人员和本辖区政法委可取得；其他返回 404。",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="限制消费令 id"),
                               NO_FORMAT],
                   responses=PDF)
    def get(self, request, pk):
        order = get_object_or_404(
            restriction_orders_visible_to(request.user).select_related("case__court", "debtor"), pk=pk)
        return pdf_response(documents.restriction_order_pdf(order), f"限制消费令-{order.debtor.name}.pdf")


class CommunityPostingPdfView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(summary="街道失信被执行人名单公示 PDF", operation_id="subdistricts_posting_pdf_retrieve",
                   description="与页面的社区公示 PDF 相同：该街道的联络员、本辖区法院和政法委可取得；其他返回 404。",
                   parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="街道的单位代码"),
                               NO_FORMAT],
                   responses=PDF)
    def get(self, request, code):
        subdistrict = Organisation.objects.filter(code=code, kind=OrganisationKind.SUBDISTRICT, active=True).first()
        if subdistrict is None or not may_see_community_posting(request.user, subdistrict):
            raise Http404
        return pdf_response(documents.community_posting_pdf(subdistrict),
                            f"失信被执行人名单公示-{subdistrict.short_name}.pdf", as_attachment=False)


class CommunityUnitPostingPdfView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(summary="村（居）委会失信被执行人名单公示 PDF", operation_id="communities_posting_pdf_retrieve",
                   description="与页面的村（居）委会公示 PDF 相同：列出户籍或住所地登记为该村（居）委会的已发布失信被执行人；"
                   "该村（居）委会的网格员、所属街道的联络员、本辖区法院和政法委可取得；其他返回 404。",
                   parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="村（居）委会的代码"),
                               NO_FORMAT],
                   responses=PDF)
    def get(self, request, code):
        return posting_response(community_of(request.user, code))
