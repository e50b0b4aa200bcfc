"""The public search of the dishonest-debtor list (issue 5): published listings only, masked ID numbers, name prefix
and homophones, exact identifiers, the rate limit shared by page and API, a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from blacklist.listings import services
from blacklist.public.search import MAX_SUGGESTIONS, mask_id_number, public_search
from cases import services as case_services
from linkage.identifiers import resident_id_check_char
from tests.conftest import clear_own_cache

pytestmark = pytest.mark.django_db

CREDIT_CODE = "91110000600037341L"
API = "/api/v1/public/debtors/"


def resident_id(serial):
    body = f"4401031985061{serial:04d}"
    return body + resident_id_check_char(body)


LEGACY_ZHANG_WEI = "110105491231002"  # 15 digits → 11010519491231002X
ZHANG_WEI = "11010519491231002X"


@pytest.fixture(autouse=True)
def clear_cache():
    clear_own_cache()
    yield
    clear_own_cache()


def make_listings(clerk, leader, debtors, number=555):
    """Propose and approve one listing per debtor; returns {name: listing}."""
    case = case_services.create_case(
        actor=clerk, number=f"（2026）粤0103执{number}号", amount="200000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初88号", filed_on="2026-01-05", obligation="给付货款200000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": resident_id(1)}], debtors=debtors,
    )
    listings = {}
    for party in case.parties.filter(role="debtor").order_by("id"):
        listing = services.propose_listing(actor=clerk, debtor=party, ground=3, facts="转移财产",
                                           decided_on=datetime.date(2026, 11, 24))
        services.approve_listing(actor=leader, listing=listing)
        listings[(party.name, party.id_number or party.credit_code)] = listing
    return listings


@pytest.fixture
def listed(clerk, leader):
    listings = make_listings(clerk, leader, [
        {"kind": "person", "name": "张伟", "id_number": ZHANG_WEI},
        {"kind": "person", "name": "张伟强", "id_number": resident_id(2)},
        {"kind": "person", "name": "张玮", "id_number": resident_id(3)},
        {"kind": "organisation", "name": "某某贸易有限公司", "credit_code": CREDIT_CODE, "legal_representative": "李四"},
        # Off the list, or not yet on it: never shown, never suggested.
        {"kind": "person", "name": "张伟", "id_number": resident_id(4)},  # deleted
        {"kind": "person", "name": "张伟明", "id_number": resident_id(5)},  # shielded
        {"kind": "person", "name": "张薇", "id_number": resident_id(6)},  # shielded homophone
    ])
    services.delete_listing(actor=clerk, listing=listings[("张伟", resident_id(4))], ground="performed",
                            arose_on=datetime.date(2026, 11, 20))
    for key in [("张伟明", resident_id(5)), ("张薇", resident_id(6))]:
        services.shield_listing(actor=clerk, listing=listings[key], reason="核查中")
    # A proposal not yet approved.
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执556号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初9号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "乙", "id_number": resident_id(7)}],
        debtors=[{"kind": "person", "name": "张伟东", "id_number": resident_id(8)}],
    )
    services.propose_listing(actor=clerk, debtor=case.parties.get(name="张伟东"), ground=3, facts="x")
    return listings


def test_mask_id_number_keeps_head_and_tail_and_shows_credit_codes_in_full(settings):
    assert mask_id_number(ZHANG_WEI) == "110105********002X"
    assert mask_id_number(CREDIT_CODE) == CREDIT_CODE
    assert mask_id_number("") == ""
    settings.PUBLIC_ID_MASK_KEEP = (3, 2)
    assert mask_id_number(ZHANG_WEI) == "110*************2X"


def test_two_characters_find_the_name_and_longer_names_published_only(listed):
    result = public_search(name="张伟")
    assert [row["name"] for row in result.results] == ["张伟", "张伟强"]
    zhang_wei = result.results[0]
    assert zhang_wei["id_number"] == "110105********002X"
    assert ZHANG_WEI not in str(result.results)
    assert (zhang_wei["sex"], zhang_wei["case_number"], zhang_wei["ground_label"], zhang_wei["facts"]) == (
        "女", "（2026）粤0103执555号", "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行", "转移财产")
    assert zhang_wei["published_on"] is not None and zhang_wei["court_name"].startswith("测试人民法院")
    assert set(zhang_wei) >= {"obligation", "performed_amount", "unperformed_amount", "basis_issuer", "basis_number",
                              "filed_on", "legal_representative", "age"}
    assert "proposed_by" not in zhang_wei and "decided_on" not in zhang_wei
    # Next to the masked number, an age band rather than the age (issue 17 item 4): born 1949-12-31, 76 on decision.
    assert zhang_wei["age"] is None and zhang_wei["age_band"] == "70-79岁"
    # Shielded 张伟明, proposed 张伟东, the deleted 张伟: none of them.
    for hidden in ("张伟明", "张伟东"):
        assert public_search(name=hidden).results == []
    assert public_search(identifier=resident_id(4)).results == []


def test_homophones_are_suggested(listed):
    result = public_search(name="张伟")
    assert result.suggestions == ["张玮"]  # not the shielded 张薇, not 张伟 itself
    assert public_search(name="张玮").suggestions == ["张伟"]


def test_organisation_shows_the_credit_code_in_full(listed):
    [row] = public_search(identifier=CREDIT_CODE.lower()).results
    assert (row["name"], row["credit_code"], row["legal_representative"], row["sex"], row["age"]) == (
        "某某贸易有限公司", CREDIT_CODE, "李四", "", None)
    assert [r["name"] for r in public_search(name="某某贸易").results] == ["某某贸易有限公司"]


def test_exact_identifier_lower_case_x_and_legacy_15_digits(listed):
    for typed in ("11010519491231002x", LEGACY_ZHANG_WEI, " 110105 19491231002X "):
        assert [row["name"] for row in public_search(identifier=typed, name="张伟").results] == ["张伟"], typed
    assert public_search(identifier=resident_id(2), name="张伟强").results[0]["name"] == "张伟强"
    # A prefix of an ID number is not a search.
    assert public_search(identifier="110105").results == []
    assert public_search(identifier="110105").message
    # Identifier and name together must both match, and a resident ID number only with the exact name (issue 17).
    assert public_search(identifier=ZHANG_WEI, name="李").results == []
    assert public_search(identifier=resident_id(2), name="张伟").results == []  # 张伟强's number, a prefix of the name
    refused = public_search(identifier=ZHANG_WEI)
    assert not refused.searched and refused.message == "按身份证号码查询时，请同时输入被执行人的完整姓名。"
    # A wrong check digit or birth date is refused, not searched.
    for wrong in (ZHANG_WEI[:-1] + "0", "110105194913310021"):
        refused = public_search(identifier=wrong, name="张伟")
        assert not refused.searched and "校验位或出生日期" in refused.message


def test_one_character_or_nothing_returns_nothing_and_asks_for_input(listed):
    for kwargs in ({"name": "张"}, {}, {"name": "  "}):
        result = public_search(**kwargs)
        assert result.results == [] and result.suggestions == [] and not result.searched
        assert "至少2个字" in result.message


def test_odd_input_is_harmless(listed):
    for name in ("张%", "张_", "\U0010ffff\U0010ffff", "\ud7ff\ud7ff", "张\x00伟"):
        public_search(name=name)
    assert public_search(name="张%").results == []
    assert public_search(identifier="'; DROP TABLE x;--").message


def test_limit_bounds_the_results(listed):
    result = public_search(name="张伟", limit=1)
    assert len(result.results) == 1 and result.truncated and "仅显示前1条" in result.message


def test_query_count_is_fixed_whatever_the_number_of_matches(clerk, leader, django_assert_max_num_queries):
    # The rows in one query; the homophones in at most MAX_SUGGESTIONS + 1 index probes (a skip scan over the
    # pinyin index, so a name with many namesakes costs no more than a rare one).
    bound = 1 + MAX_SUGGESTIONS + 1
    make_listings(clerk, leader, [{"kind": "person", "name": "王芳", "id_number": resident_id(20)}], number=600)
    with django_assert_max_num_queries(bound):
        assert len(public_search(name="王芳").results) == 1
    make_listings(clerk, leader, [{"kind": "person", "name": f"王芳{n}", "id_number": resident_id(30 + n)}
                                  for n in range(12)], number=601)
    with django_assert_max_num_queries(bound):
        assert len(public_search(name="王芳").results) == 13
    with django_assert_max_num_queries(1):
        assert len(public_search(identifier=resident_id(20), name="王芳").results) == 1


def test_anonymous_page_and_api(client, listed):
    response = client.get(reverse("blacklist:public-search"), {"name": "张伟"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "110105********002X" in page and ZHANG_WEI not in page
    assert "张伟强" in page and "您是不是要找" in page and "张玮" in page
    assert "张伟明" not in page and "张伟东" not in page
    assert 'name="viewport"' in page
    # The empty page asks for input and counts nothing.
    empty = client.get(reverse("blacklist:public-search"))
    assert empty.status_code == 200 and "至少2个字" in empty.content.decode()

    api = APIClient()
    response = api.get(API, {"name": "张伟"})
    assert response.status_code == 200
    body = response.json()
    assert [row["name"] for row in body["results"]] == ["张伟", "张伟强"]
    assert body["results"][0]["id_number"] == "110105********002X" and body["suggestions"] == ["张玮"]
    assert body["count"] == 2 and body["truncated"] is False
    response = api.get(API, {"id_number": CREDIT_CODE})
    assert response.json()["results"][0]["credit_code"] == CREDIT_CODE
    short = api.get(API, {"name": "张"})
    assert short.status_code == 400 and "至少2个字" in short.json()["detail"]
    # A wrong token does not turn the public search into a 401.
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert api.get(API, {"name": "张伟"}).status_code == 200


def test_rate_limit_is_shared_by_page_and_api(client, listed, settings):
    settings.PUBLIC_SEARCH_RATE_PER_MINUTE = 3
    api = APIClient()
    assert api.get(API, {"name": "张伟"}).status_code == 200
    assert client.get(reverse("blacklist:public-search"), {"name": "张伟"}).status_code == 200
    assert api.get(API, {"id_number": ZHANG_WEI, "name": "张伟"}).status_code == 200
    response = api.get(API, {"name": "张伟"})
    assert response.status_code == 429
    assert response.json() == {"detail": "查询过于频繁，请稍后再试。"}
    assert response["Retry-After"]
    page = client.get(reverse("blacklist:public-search"), {"name": "张伟"})
    assert page.status_code == 429 and "查询过于频繁，请稍后再试。" in page.content.decode()
    assert "110105********002X" not in page.content.decode()
    # Another client address has its own window.
    assert APIClient(REMOTE_ADDR="10.0.0.9").get(API, {"name": "张伟"}).status_code == 200


def test_name_search_can_use_the_state_name_index():
    """Under the database's collation (C.UTF-8 here) PostgreSQL 15 does not serve LIKE 'x%' from a default-opclass
    B-tree; the range on the same column lets the (state, name, published_on desc, id desc) index serve the prefix
    search, and in the order the page shows: no sort, so a page reads its rows and stops."""
    from django.db import connection

    from blacklist.public.search import PUBLISHED_FIELDS, name_search_queryset

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # On this near-empty table the planner's statistics decide between indexes of equal cost: after an
        # autoanalyze that saw a row or two, (state, name_pinyin, name) with a one-row sort costs the same as this
        # index. Sorting is priced out so that the question is only whether this index can serve the search in order.
        cursor.execute("SET LOCAL enable_sort = off")
    plan = name_search_queryset("张伟").values(*PUBLISHED_FIELDS)[:21].explain()
    assert "listing_state_name_published" in plan and "Sort" not in plan
    assert "Index Cond" in plan and "name" in plan.split("Index Cond")[1].split("\n")[0]


def test_name_search_takes_like_characters_literally_and_reaches_the_top_of_unicode(clerk, leader, listed):
    """A name with LIKE's own characters matches them as characters (escaped, not wildcards); a name at the top of
    Unicode (no upper bound for the index range) is still found; one more row than the limit marks it truncated."""
    make_listings(clerk, leader, [{"kind": "person", "name": name, "id_number": resident_id(30 + number)}
                                  for number, name in enumerate(["张%伟", "张_伟", "张\\伟", "张伟_", "\U0010ffff甲"])],
                  number=601)
    assert [row["name"] for row in public_search(name="张%伟").results] == ["张%伟"]  # % is a character, not a wildcard
    assert [row["name"] for row in public_search(name="张_").results] == ["张_伟"]
    assert [row["name"] for row in public_search(name="张\\").results] == ["张\\伟"]
    assert [row["name"] for row in public_search(name="\U0010ffff甲").results] == ["\U0010ffff甲"]
    assert public_search(name="李四").results == []
    assert not public_search(name="张").searched
    assert public_search(name="张伟").suggestions == ["张玮"]
    everything = public_search(name="张伟", limit=20)
    assert len(everything.results) >= 2 and not everything.truncated
    one = public_search(name="张伟", limit=1)
    assert one.truncated and one.results == everything.results[:1]


def test_identifier_search_needs_the_exact_name_for_a_resident_id_and_a_prefix_for_a_credit_code(listed):
    """A resident ID number (new or legacy form, any case) finds its listing only with the exact name; a credit code
    (any case) finds its listing alone or with a prefix of its name; a listing taken off the list is not found."""
    assert [row["name"] for row in public_search(identifier=ZHANG_WEI, name="张伟").results] == ["张伟"]
    assert [row["name"] for row in public_search(identifier=ZHANG_WEI.lower(), name="张伟").results] == ["张伟"]
    assert [row["name"] for row in public_search(identifier=LEGACY_ZHANG_WEI, name="张伟").results] == ["张伟"]
    assert public_search(identifier=ZHANG_WEI, name="张").results == []
    assert public_search(identifier=resident_id(4), name="张伟").results == []  # deleted from the list
    for code in (CREDIT_CODE, CREDIT_CODE.lower()):
        assert [row["name"] for row in public_search(identifier=code).results] == ["某某贸易有限公司"]
        assert [row["name"] for row in public_search(identifier=code, name="某某").results] == ["某某贸易有限公司"]
    assert public_search(identifier=CREDIT_CODE, name="李").results == []


def test_cached_answers_go_when_a_listing_changes(listed, clerk, django_capture_on_commit_callbacks):
    """The public search's answers are cached (blacklist/public.py); a listing that leaves the list is gone from the
    very next search, and one that is corrected shows its new name."""
    from blacklist.models import Listing

    assert public_search(name="张伟强").results
    assert public_search(name="张伟强").results  # the cached answer
    listing = Listing.objects.get(name="张伟强")
    with django_capture_on_commit_callbacks(execute=True):
        services.shield_listing(actor=clerk, listing=listing, reason="核查中")
    assert public_search(name="张伟强").results == []
    Listing.objects.filter(pk=listing.pk).update(state="published")  # back on the list, behind the ORM's back …
    listing.refresh_from_db()
    listing.name = "张伟刚"
    listing.save(update_fields=["name"])  # … and corrected: the save invalidates
    assert [row["name"] for row in public_search(name="张伟刚").results] == ["张伟刚"]
