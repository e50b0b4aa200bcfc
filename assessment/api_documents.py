"""The year's scoreboard as the page offers it (`/assessment/{year}/scoreboard.pdf`), by API (issue 21 item 3):
`/api/v1/assessments/{year}/scoreboard.pdf`, the same PDF, to whoever may see the whole board (court staff, the
committee, the administrator); a unit sees its own row through `/api/v1/assessments/{year}/`, not the board."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema

from assistance.api.support import DOWNLOAD_RENDERERS, NO_FORMAT

from . import exports, presentation, selectors
from .api import JURISDICTION, YEAR, _YearView


class ScoreboardPdfView(_YearView):
    renderer_classes = DOWNLOAD_RENDERERS

    @extend_schema(
        summary="年度考评计分表 PDF",
        description="与考评页面的计分表 PDF 相同（已定稿的为定稿数据）。法院人员、政法委、系统管理员可取得本辖区的；其他返回 404。",
        operation_id="assessments_scoreboard_pdf_retrieve",
        parameters=[YEAR, JURISDICTION, NO_FORMAT],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                   404: OpenApiResponse(description="不存在或无权查看")},
    )
    def get(self, request, year):
        year, jurisdiction, assessment = self.context(request, year)
        if not selectors.may_see_board(request.user, jurisdiction):
            raise Http404
        board = presentation.decorate(selectors.board_for(jurisdiction, year, assessment))
        return exports.pdf_response_for(board, jurisdiction)
