"""The grid overview (issue 25 item 4): per subdistrict and community, tasks sent, answered on time or late, open
within their time and overdue, on a constructed year judged on 20 June 2025; who sees which tasks; a bounded number
of queries whatever the number of communities; the API, the overdue drill-down and the Excel file give the same
figures."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grid.models import GridTaskState
from grid.overview import Figures, Period, overview_for
from tests import factories

from .factories import CommunityFactory, GridLiaisonFactory, SubdistrictFactory
from .overview_factories import grid_task, moment

pytestmark = pytest.mark.django_db
YEAR = 2025
TODAY = datetime.date(2025, 6, 20)
D = datetime.date


@pytest.fixture
def now():
    with time_machine.travel(moment(TODAY, 11), tick=False):
        yield


@pytest.fixture
def world():
    """Court 1 and court 2 of one jurisdiction; subdistrict S1 with communities A, B and C (no task at all),
    subdistrict S2 with community D; the committee, a liaison of each subdistrict, a grid liaison of A, the police's
    liaison, and the committee of a second jurisdiction."""
    clerk1, clerk2 = factories.ClerkFactory(), factories.ClerkFactory()
    s1, s2 = SubdistrictFactory(name="甲街道办事处", sort_order=1), SubdistrictFactory(name="乙街道办事处", sort_order=2)
    a = CommunityFactory(subdistrict=s1, name="东社区", sort_order=1)
    b = CommunityFactory(subdistrict=s1, name="西社区", sort_order=2)
    c = CommunityFactory(subdistrict=s1, name="南村", sort_order=3)
    d = CommunityFactory(subdistrict=s2, name="北社区")
    tasks = {
        # A: answered on the due day (on time), the day after (late), open and due today (not overdue yet),
        # open and due yesterday (overdue), cancelled (in no figure).
        "a_on_time": grid_task(clerk=clerk1, community=a, sent_on=D(2025, 6, 2), due_on=D(2025, 6, 5),
                               state=GridTaskState.ANSWERED, answered_on=D(2025, 6, 5)),
        "a_late": grid_task(clerk=clerk1, community=a, sent_on=D(2025, 6, 2), due_on=D(2025, 6, 5),
                            state=GridTaskState.ANSWERED, answered_on=D(2025, 6, 6)),
        "a_due_today": grid_task(clerk=clerk1, community=a, sent_on=D(2025, 6, 16), due_on=TODAY),
        "a_overdue": grid_task(clerk=clerk1, community=a, sent_on=D(2025, 6, 13), due_on=D(2025, 6, 19)),
        "a_cancelled": grid_task(clerk=clerk1, community=a, sent_on=D(2025, 5, 6), due_on=D(2025, 5, 9),
                                 state=GridTaskState.CANCELLED),
        # B: one overdue, one on time; one overdue of last year (not 2025's).
        "b_overdue": grid_task(clerk=clerk1, community=b, sent_on=D(2025, 6, 3), due_on=D(2025, 6, 10)),
        "b_on_time": grid_task(clerk=clerk1, community=b, sent_on=D(2025, 1, 2), due_on=D(2025, 1, 8),
                               state=GridTaskState.ANSWERED, answered_on=D(2025, 1, 7)),
        "b_last_year": grid_task(clerk=clerk1, community=b, sent_on=D(2024, 12, 30), due_on=D(2025, 1, 6)),
        # D: court 2's task answered on time; court 1's open within its time.
        "d_court2": grid_task(clerk=clerk2, community=d, sent_on=D(2025, 3, 3), due_on=D(2025, 3, 6),
                              state=GridTaskState.ANSWERED, answered_on=D(2025, 3, 4)),
        "d_pending": grid_task(clerk=clerk1, community=d, sent_on=D(2025, 6, 18), due_on=D(2025, 6, 25)),
    }
    j2 = factories.JurisdictionFactory(code="overview-j2", name="第二辖区")
    return {
        "clerk1": clerk1, "clerk2": clerk2, "leader1": factories.LeaderFactory(organisation=clerk1.organisation),
        "committee": factories.CommitteeUserFactory(), "s1": s1, "s2": s2, "a": a, "b": b, "c": c, "d": d,
        "liaison_s1": factories.LiaisonFactory(organisation=s1), "liaison_s2": factories.LiaisonFactory(organisation=s2),
        "grid_a": GridLiaisonFactory(community=a), "police": factories.LiaisonFactory(),
        "committee_j2": factories.CommitteeUserFactory(organisation=factories.CommitteeFactory(jurisdiction=j2)),
        "tasks": tasks,
    }


def figures_of(overview):
    """{subdistrict name: (its figures, {community name: figures})} as dicts."""
    return {row.subdistrict.name: (row.figures.as_dict(), {line.community.name: line.figures.as_dict()
                                                          for line in row.communities})
            for row in overview.subdistricts}


def f(sent=0, on_time=0, late=0, pending=0, overdue=0, rate=None):
    return {"sent": sent, "on_time": on_time, "late": late, "pending": pending, "overdue": overdue,
            "on_time_rate": rate}


ZERO = f()


def test_court_1_figures_per_community_and_subdistrict(world, now):
    overview = overview_for(world["clerk1"], Period.of_year(YEAR))
    assert figures_of(overview) == {
        "甲街道办事处": (f(6, 2, 1, 1, 2, 0.4), {"东社区": f(4, 1, 1, 1, 1, 0.3333), "西社区": f(2, 1, 0, 0, 1, 0.5),
                                              "南村": ZERO}),
        "乙街道办事处": (f(1, 0, 0, 1, 0, None), {"北社区": f(1, 0, 0, 1, 0, None)}),
    }
    assert overview.totals.as_dict() == f(7, 2, 1, 2, 2, 0.4)
    # The leader reads its court's, like the clerk.
    assert figures_of(overview_for(world["leader1"], Period.of_year(YEAR))) == figures_of(overview)


def test_overdue_only_after_the_due_day_ended(world):
    """The task due on 20 June is within its time all that day and overdue from the 21st."""
    due_today = {"东社区": f(4, 1, 1, 1, 1, 0.3333)}
    on_the_day = overview_for(world["clerk1"], Period.of_year(YEAR), today=TODAY)
    assert figures_of(on_the_day)["甲街道办事处"][1]["东社区"] == due_today["东社区"]
    next_day = overview_for(world["clerk1"], Period.of_year(YEAR), today=TODAY + datetime.timedelta(days=1))
    assert figures_of(next_day)["甲街道办事处"][1]["东社区"] == f(4, 1, 1, 0, 2, 0.25)


def test_last_year_counts_only_its_own_tasks(world, now):
    overview = overview_for(world["clerk1"], Period.of_year(YEAR - 1))
    assert figures_of(overview)["甲街道办事处"][1] == {"东社区": ZERO, "西社区": f(1, 0, 0, 0, 1, 0.0), "南村": ZERO}


def test_court_2_sees_none_of_court_1s_tasks(world, now):
    overview = overview_for(world["clerk2"], Period.of_year(YEAR))
    assert figures_of(overview) == {
        "甲街道办事处": (ZERO, {"东社区": ZERO, "西社区": ZERO, "南村": ZERO}),
        "乙街道办事处": (f(1, 1, 0, 0, 0, 1.0), {"北社区": f(1, 1, 0, 0, 0, 1.0)}),
    }


def test_the_committee_sees_every_court_of_its_jurisdiction(world, now):
    overview = overview_for(world["committee"], Period.of_year(YEAR))
    assert figures_of(overview)["乙街道办事处"] == (f(2, 1, 0, 1, 0, 1.0), {"北社区": f(2, 1, 0, 1, 0, 1.0)})
    assert overview.totals.sent == 8
    # Another jurisdiction's committee: none of these subdistricts, none of these tasks.
    other = overview_for(world["committee_j2"], Period.of_year(YEAR))
    assert other.subdistricts == [] and other.totals == Figures()


def test_a_subdistricts_liaison_sees_only_its_own(world, now):
    own = overview_for(world["liaison_s2"], Period.of_year(YEAR))
    assert figures_of(own) == {"乙街道办事处": (f(2, 1, 0, 1, 0, 1.0), {"北社区": f(2, 1, 0, 1, 0, 1.0)})}
    assert list(figures_of(overview_for(world["liaison_s1"], Period.of_year(YEAR)))) == ["甲街道办事处"]


def test_anybody_else_gets_no_overview(world, client_for, admin_user, now):
    for user in (world["grid_a"], world["police"], admin_user):
        assert overview_for(user, Period.of_year(YEAR)) is None
        assert client_for(user).get(reverse("grid:overview")).status_code == 404
        assert client_for(user).get(reverse("grid:overview-overdue")).status_code == 404
        assert client_for(user).get(reverse("grid:overview-xlsx")).status_code == 404
        assert client_for(user).get(reverse("api-grid-overview")).status_code == 404


def test_a_moved_community_counts_where_its_tasks_were_sent(world, now):
    """A community moved to S2 after its tasks were sent: they still count for S1 (the subdistrict stamped on
    them), and it is listed under both."""
    a = world["a"]
    a.subdistrict = world["s2"]
    a.save()
    rows = figures_of(overview_for(world["clerk1"], Period.of_year(YEAR)))
    assert rows["甲街道办事处"][1]["东社区"] == f(4, 1, 1, 1, 1, 0.3333)
    assert rows["乙街道办事处"][1]["东社区"] == ZERO
    assert rows["甲街道办事处"][0] == f(6, 2, 1, 1, 2, 0.4)


def _queries(user, client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("grid:overview"), {"year": YEAR}).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_for_many_communities(world, client_for, now, django_assert_max_num_queries):
    client = client_for(world["committee"])
    client.get(reverse("grid:overview"), {"year": YEAR})  # warm the session and the user's rows
    few = _queries(world["committee"], client)
    for index in range(40):
        community = CommunityFactory(subdistrict=world["s2"], name=f"新社区{index}")
        grid_task(clerk=world["clerk1"], community=community, sent_on=D(2025, 6, 2), due_on=D(2025, 6, 9))
    assert _queries(world["committee"], client) == few
    with django_assert_max_num_queries(few):
        overview_for(world["committee"], Period.of_year(YEAR))


def test_the_page_shows_the_table_and_links_the_overdue(world, client_for, now):
    html = client_for(world["clerk1"]).get(reverse("grid:overview"), {"year": YEAR}).content.decode()
    assert "甲街道办事处" in html and "南村" in html and "<details" in html
    s1, a = world["s1"], world["a"]
    assert f"{reverse('grid:overview-overdue')}?year={YEAR}&amp;subdistrict={s1.pk}&amp;community={a.pk}" in html
    assert 'id="overview-totals"' in html and "33.3%" in html
    assert client_for(world["clerk1"]).get(reverse("grid:overview"), {"year": "abc"}).status_code == 404


def test_the_overdue_list_shows_only_the_viewers_tasks(world, client_for, now):
    tasks = world["tasks"]
    url = reverse("grid:overview-overdue")
    html = client_for(world["clerk1"]).get(url, {"year": YEAR}).content.decode()
    assert tasks["a_overdue"].case.number in html and tasks["b_overdue"].case.number in html
    assert tasks["a_due_today"].case.number not in html and tasks["b_last_year"].case.number not in html
    one = client_for(world["clerk1"]).get(url, {"year": YEAR, "community": world["b"].pk}).content.decode()
    assert tasks["b_overdue"].case.number in one and tasks["a_overdue"].case.number not in one
    for other in ("clerk2", "liaison_s2", "committee_j2"):
        html = client_for(world[other]).get(url, {"year": YEAR, "subdistrict": world["s1"].pk}).content.decode()
        assert tasks["a_overdue"].case.number not in html and "没有逾期未回复的事项" in html
    committee = client_for(world["committee"]).get(url, {"year": YEAR}).content.decode()
    assert tasks["a_overdue"].case.number in committee


def test_the_api_gives_the_same_figures(world, api_for, now):
    response = api_for(world["clerk1"]).get(reverse("api-grid-overview"), {"year": YEAR})
    assert response.status_code == 200
    data = response.json()
    assert (data["year"], data["first_day"], data["last_day"], data["as_of"]) == (YEAR, "2025-01-01", "2025-12-31",
                                                                                  "2025-06-20")
    assert data["totals"] == f(7, 2, 1, 2, 2, 0.4)
    s1 = data["subdistricts"][0]
    assert (s1["name"], s1["figures"]) == ("甲街道办事处", f(6, 2, 1, 1, 2, 0.4))
    assert {c["name"]: c["figures"] for c in s1["communities"]} == {
        "东社区": f(4, 1, 1, 1, 1, 0.3333), "西社区": f(2, 1, 0, 0, 1, 0.5), "南村": ZERO}
    own = api_for(world["liaison_s1"]).get(reverse("api-grid-overview"), {"year": YEAR}).json()
    assert [row["name"] for row in own["subdistricts"]] == ["甲街道办事处"]
    assert api_for(world["clerk1"]).get(reverse("api-grid-overview"), {"year": "1999"}).status_code == 400


def test_the_excel_file_holds_the_same_figures(world, client_for, now):
    response = client_for(world["clerk1"]).get(reverse("grid:overview-xlsx"), {"year": YEAR})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {(r[0], r[1]): r[2:] for r in sheet.iter_rows(min_row=2, values_only=True) if r and r[0]}
    assert rows[("甲街道办事处", "东社区")] == (4, 1, 1, 1, 1, "33.3%")
    assert rows[("甲街道办事处", "小计")] == (6, 2, 1, 1, 2, "40.0%")
    assert rows[("合计", None)] == (7, 2, 1, 2, 2, "40.0%")
