"""``load_demo_data``: demo cases of 广州市荔湾区人民法院 with notices in every state, made through the services;
a second run adds nothing; never in production."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assistance.models import Notice, NoticeEvent, NoticeState, Reply, ReplyResult
from cases.models import Case, Party
from linkage.identifiers import normalize_credit_code, normalize_resident_id
from members.models import Organisation

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def liwan_with_accounts(db):
    run("load_jurisdiction", "liwan")
    run("create_demo_accounts")


def snapshot():
    return {model.__name__: model.objects.count() for model in (Case, Party, Notice, NoticeEvent, Reply, ReplyResult)}


def test_demo_data_has_notices_in_every_state(liwan_with_accounts):
    output = run("load_demo_data")

    assert "共创建 4 件案件" in output
    court = Organisation.objects.get(code="lw-court")
    cases = Case.objects.filter(court=court)
    assert cases.count() == 4
    assert sorted(cases.values_list("number", flat=True)) == [f"（2026）粤0103执{n}号" for n in range(1001, 1005)]
    notices = Notice.objects.filter(court=court)
    for state in (
        NoticeState.DRAFT,
        NoticeState.SIGNED,
        NoticeState.SERVED,
        NoticeState.ACKNOWLEDGED,
        NoticeState.REPLIED,
        NoticeState.CLOSED,
        NoticeState.LIFTED,
    ):
        assert notices.filter(state=state).exists(), state
    overdue = notices.overdue()
    assert overdue.count() == 1
    assert overdue.get().unit.code == "lw-police"
    # The locate request names its reason and the court's 24-hour contact; served this morning, it is not overdue.
    locate = notices.get(measure__code="locate_person")
    assert locate.tracking.reason == "missing" and locate.tracking.contact_phone == "13802781234"
    assert not locate.is_overdue() and locate.deadline_rule == "查找期间每30日反馈一次情况"
    # Replies carry structured results; the lifted notice has its ground.
    assert Reply.objects.filter(notice__state=NoticeState.REPLIED, results__isnull=False).exists()
    assert notices.get(state=NoticeState.LIFTED).lift_ground == "performed"
    # Every notice went through the services: an event per move, acting as the demo users.
    actors = set(NoticeEvent.objects.filter(notice__in=notices).values_list("actor__username", flat=True))
    assert {"clerk", "leader", "lw-market-a", "lw-police-a", "lw-land-planning-a"} <= actors
    for notice in notices.select_related("unit", "measure"):
        assert notice.unit.measures.filter(pk=notice.measure_id).exists(), notice


def test_demo_parties_have_valid_identifiers_and_a_rare_name(liwan_with_accounts):
    run("load_demo_data")

    parties = Party.objects.all()
    assert parties.filter(name="王堃").exists()
    for party in parties:
        if party.id_number:
            assert normalize_resident_id(party.id_number) == party.id_number
        else:
            assert normalize_credit_code(party.credit_code) == party.credit_code


def test_a_second_run_adds_nothing(liwan_with_accounts):
    run("load_demo_data")
    before = snapshot()

    output = run("load_demo_data")

    assert snapshot() == before
    assert "未作任何修改" in output


def test_demo_data_needs_the_demo_accounts(db):
    run("load_jurisdiction", "liwan")
    with pytest.raises(CommandError, match="create_demo_accounts"):
        run("load_demo_data")
    assert not Case.objects.exists()


def test_demo_data_is_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        run("load_demo_data")
    assert not Case.objects.exists()
