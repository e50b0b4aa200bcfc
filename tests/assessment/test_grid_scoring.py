"""The 网格协助 criterion (issue 25 item 4): a subdistrict earns the item's points in proportion to its communities'
grid tasks of the year answered on time, over those answered or overdue (answered late and overdue earn nothing;
cancelled ones and those still within their time do not count); a subdistrict without tasks keeps the points; a unit
of any other kind is not judged on it; last year's tasks count in last year. The figures show on the board, the
unit's page, the drill-down of tasks, the Excel file and the API."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from assessment import services
from assessment.board import build_board, standing_of
from assessment.criteria import DEFAULT_CRITERIA, auto_points
from assessment.metrics import compute_metrics
from assessment.selectors import row_of
from grid.models import GridTaskState
from tests import factories
from tests.grid.factories import CommunityFactory, SubdistrictFactory
from tests.grid.overview_factories import grid_task, moment

pytestmark = pytest.mark.django_db
YEAR = 2025
AS_OF = moment(datetime.date(2026, 2, 2))
D = datetime.date


@pytest.fixture
def subdistrict(court):
    return SubdistrictFactory(jurisdiction=court.jurisdiction, name="甲街道办事处")


@pytest.fixture
def idle_subdistrict(court):
    return SubdistrictFactory(jurisdiction=court.jurisdiction, name="乙街道办事处")


@pytest.fixture
def year_tasks(clerk, subdistrict, unit):
    """2025: 2 answered on time (one on its due day), 1 answered late, 1 overdue, 1 cancelled; 2024: 1 overdue."""
    east, west = CommunityFactory(subdistrict=subdistrict), CommunityFactory(subdistrict=subdistrict)
    return {
        "on_time": grid_task(clerk=clerk, community=east, sent_on=D(2025, 3, 3), due_on=D(2025, 3, 6),
                             state=GridTaskState.ANSWERED, answered_on=D(2025, 3, 4)),
        "on_due_day": grid_task(clerk=clerk, community=west, sent_on=D(2025, 5, 6), due_on=D(2025, 5, 9),
                                state=GridTaskState.ANSWERED, answered_on=D(2025, 5, 9)),
        "late": grid_task(clerk=clerk, community=east, sent_on=D(2025, 6, 2), due_on=D(2025, 6, 5),
                          state=GridTaskState.ANSWERED, answered_on=D(2025, 6, 9)),
        "overdue": grid_task(clerk=clerk, community=west, sent_on=D(2025, 12, 29), due_on=D(2026, 1, 5)),
        "cancelled": grid_task(clerk=clerk, community=east, sent_on=D(2025, 7, 1), due_on=D(2025, 7, 4),
                               state=GridTaskState.CANCELLED),
        "last_year": grid_task(clerk=clerk, community=east, sent_on=D(2024, 12, 2), due_on=D(2024, 12, 5)),
    }


@pytest.fixture
def assessment(clerk, court):
    return services.open_assessment(actor=clerk, jurisdiction=court.jurisdiction, year=YEAR)


def test_the_default_scheme_has_the_item_and_still_adds_up_to_100():
    rows = {code: (points, source, method) for code, _, _, points, source, method, _ in DEFAULT_CRITERIA}
    assert rows["grid"] == ("5", "auto", "grid_on_time_rate")
    assert rows["committee"][0] == "10"  # the committee's judgement gave up the 5 points the grid tasks now score
    assert sum(Decimal(points) for points, _, _ in rows.values()) == Decimal("100")


def test_metrics_count_the_subdistricts_year(year_tasks, subdistrict, idle_subdistrict, unit):
    metrics = compute_metrics([subdistrict.pk, idle_subdistrict.pk, unit.pk], YEAR, as_of=AS_OF)
    keys = ("grid_tasks", "grid_on_time", "grid_late", "grid_overdue")
    assert [metrics[subdistrict.pk][k] for k in keys] == [4, 2, 1, 1]
    assert [metrics[idle_subdistrict.pk][k] for k in keys] == [0, 0, 0, 0]
    assert [metrics[unit.pk][k] for k in keys] == [None, None, None, None]  # not a subdistrict
    # 2024: the one overdue task of that year, and only there.
    earlier = compute_metrics([subdistrict.pk], YEAR - 1, as_of=AS_OF)[subdistrict.pk]
    assert [earlier[k] for k in keys] == [1, 0, 0, 1]


def test_a_task_within_its_time_is_not_judged_yet(year_tasks, subdistrict):
    """On 5 January 2026 the December task is due that very day: not overdue, not counted; the next day it is."""
    on_due_day = compute_metrics([subdistrict.pk], YEAR, as_of=moment(D(2026, 1, 5), 17))[subdistrict.pk]
    assert (on_due_day["grid_tasks"], on_due_day["grid_overdue"]) == (4, 0)
    assert auto_points("5", "grid_on_time_rate", on_due_day)[:2] == (Decimal("3.33"), 2 / 3)
    after = compute_metrics([subdistrict.pk], YEAR, as_of=moment(D(2026, 1, 6), 9))[subdistrict.pk]
    assert after["grid_overdue"] == 1


def test_the_board_scores_exact_points(assessment, year_tasks, subdistrict, idle_subdistrict, unit):
    board = build_board(assessment.jurisdiction, YEAR, assessment, as_of=AS_OF)
    own, idle, other = row_of(board, subdistrict.pk), row_of(board, idle_subdistrict.pk), row_of(board, unit.pk)
    score = own["scores"]["grid"]
    # 2 on time of 4 judged (1 late, 1 overdue): half the item's 5 points.
    assert (score["points"], score["max"], score["source"], score["share"]) == ("2.50", "5.00", "auto", 0.5)
    assert score["explanation"] == "网格协助事项应办结4件，按期回复2件，逾期回复1件，期限届满未回复1件（按期50.0%）"
    assert own["total"] == "97.50"  # no notice, no letter: the grid tasks are the whole difference
    assert own["pulled_down"] == [
        {"code": "grid", "name": "网格协助", "lost": "2.50", "reason": score["explanation"], "adjusted": False}]
    assert own["standing"] == "ranked" and own["rank"] == 1  # grid tasks are work to judge
    assert (idle["scores"]["grid"]["points"], idle["scores"]["grid"]["explanation"]) == (
        "5.00", "本年度未收到网格协助事项，不扣分")
    assert (idle["total"], idle["standing"]) == ("100.00", "no_notices")
    # A unit of another kind is not judged on it, whatever grid tasks exist.
    assert (other["scores"]["grid"]["points"], other["scores"]["grid"]["share"]) == ("5.00", None)
    assert other["scores"]["grid"]["explanation"] == "非街道（镇）单位，无网格协助事项，不扣分"
    assert other["total"] == "100.00" and other["standing"] == "no_notices"


def test_a_unit_of_another_kind_is_unaffected_by_grid_tasks(assessment, year_tasks, unit, clerk):
    """Even a task stamped with a non-subdistrict unit (a data error) costs that unit nothing."""
    community = CommunityFactory(subdistrict=SubdistrictFactory())
    grid_task(clerk=clerk, community=community, sent_on=D(2025, 4, 1), due_on=D(2025, 4, 3), subdistrict=unit)
    metrics = compute_metrics([unit.pk], YEAR, as_of=AS_OF)[unit.pk]
    assert metrics["grid_tasks"] is None
    assert auto_points("5", "grid_on_time_rate", metrics)[0] == Decimal("5")
    assert standing_of(metrics) == "no_notices"


def test_a_subdistrict_with_tasks_not_yet_due_is_not_ranked(subdistrict, clerk):
    grid_task(clerk=clerk, community=CommunityFactory(subdistrict=subdistrict), sent_on=D(2025, 12, 30),
              due_on=D(2026, 1, 6))
    metrics = compute_metrics([subdistrict.pk], YEAR, as_of=moment(D(2026, 1, 2)))[subdistrict.pk]
    assert auto_points("5", "grid_on_time_rate", metrics)[2] == "收到网格协助事项1件，均未到办理期限，不扣分"
    assert standing_of(metrics) == "none_due"


def test_the_figures_show_on_the_pages_the_excel_file_and_the_api(client_for, api_for, clerk, court, subdistrict,
                                                                  year_tasks):
    committee = factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=court.jurisdiction))
    other_clerk = factories.ClerkFactory(organisation=factories.CourtFactory(jurisdiction=court.jurisdiction))
    with time_machine.travel(AS_OF, tick=False):
        unit_page = client_for(committee).get(reverse("assessment:unit", args=[YEAR, subdistrict.pk])).content.decode()
        assert "网格协助事项" in unit_page and "网格逾期未回复" in unit_page
        board_page = client_for(committee).get(reverse("assessment:board", args=[YEAR])).content.decode()
        assert f'{reverse("grid:overview")}?year={YEAR}' in board_page  # the overview behind the figures
        records_url = reverse("assessment:records", args=[YEAR, subdistrict.pk, "grid"])
        assert records_url in unit_page
        html = client_for(committee).get(records_url).content.decode()
        assert year_tasks["late"].case.number in html and year_tasks["overdue"].case.number in html
        assert year_tasks["cancelled"].case.number not in html and year_tasks["last_year"].case.number not in html
        assert html.count("<tr><td>") == 4
        # Another court's clerk reads the figures but not court 1's case numbers.
        hidden = client_for(other_clerk).get(records_url).content.decode()
        assert year_tasks["late"].case.number not in hidden and hidden.count("（无权查看）") == 4
        xlsx = client_for(clerk).get(reverse("assessment:xlsx", args=[YEAR]))
        api = api_for(clerk).get(reverse("api-assessment", args=[YEAR])).json()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["考评指标"]
    headers = [cell.value for cell in sheet[1]]
    values = {sheet.cell(row=r, column=1).value: [sheet.cell(row=r, column=headers.index(h) + 1).value
                                                  for h in ("网格协助事项", "网格按期回复", "网格逾期未回复")]
              for r in range(2, sheet.max_row + 1)}
    assert values[subdistrict.name] in ([4, 2, 1], ["4", "2", "1"])
    row = next(r for r in api["rows"] if r["unit"]["id"] == subdistrict.pk)
    assert (row["metrics"]["grid_tasks"], row["metrics"]["grid_late"]) == (4, 1)
    assert next(s for s in row["scores"] if s["criterion"] == "grid")["points"] == "2.50"
