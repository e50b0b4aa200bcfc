"""Screening applicants against the published list (issue 5 item 6): uploads of thousands of rows, all-or-nothing
validation naming the row, hits reported to the listing's court, unit isolation, constant query count."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from blacklist.listings import services
from blacklist.models import Listing, ListingState, ScreeningBatch, ScreeningResult, ScreeningSource
from blacklist.screening.services import hits_for_listing, parse_upload, screen_applicants
from cases import services as case_services
from cases.models import Case, Party
from linkage.errors import ApplicationError, PermissionDenied
from linkage.identifiers import resident_id_check_char
from linkage.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db
COMPANY_CODE = "91110000600037341L"


def resident_id(n):
    """A valid, distinct resident ID number for every n < 3,000,000."""
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000)
    first17 = f"440103{born:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def wrong_check(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


class Upload(io.BytesIO):
    def __init__(self, content, name):
        super().__init__(content)
        self.name = name


def xlsx(rows, header=("姓名", "证件号码"), name="申请人.xlsx"):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Upload(buffer.getvalue(), name)


def csv_bytes(rows, encoding="utf-8-sig", header="姓名,证件号码"):
    return (header + "\r\n" + "".join(f"{name},{number}\r\n" for name, number in rows)).encode(encoding)


@pytest.fixture
def leader(court):
    return factories.LeaderFactory(organisation=court)


@pytest.fixture
def service_listings(clerk, leader):
    """Three listings built through the services: two published (a person, a company), one only proposed."""
    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执555号", amount="200000", basis_issuer="广州市荔湾区人民法院",
        basis_number="（2025）粤0103民初88号", filed_on="2026-01-05", obligation="给付货款200000元",
        applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[
            {"kind": "person", "name": "张伟", "id_number": resident_id(1)},
            {"kind": "person", "name": "李娜", "id_number": resident_id(2)},
            {"kind": "organisation", "name": "某某贸易有限公司", "credit_code": COMPANY_CODE,
             "legal_representative": "李四"},
        ],
    )
    made = {}
    for name in ("张伟", "某某贸易有限公司", "李娜"):
        made[name] = services.propose_listing(actor=clerk, debtor=case.parties.get(name=name), ground=3,
                                              facts="转移财产")
    services.approve_listing(actor=leader, listing=made["张伟"])
    services.approve_listing(actor=leader, listing=made["某某贸易有限公司"])
    return made


def bulk_listings(court, clerk, numbers, *, state=ListingState.PUBLISHED, prefix="批量"):
    """Published listings made directly (cases, parties, listings in three bulk INSERTs)."""
    today = datetime.date(2026, 11, 1)
    cases = Case.objects.bulk_create([
        Case(number=f"（2026）粤0103执{9000 + n}号", court=court, amount=1000, basis_issuer="某院",
             basis_number="（2025）粤0103民初1号", filed_on=today, created_by=clerk)
        for n in numbers
    ])
    parties = Party.objects.bulk_create([
        Party(case=case, role="debtor", kind="person", name=f"{prefix}{n}", id_number=resident_id(n))
        for case, n in zip(cases, numbers, strict=True)
    ])
    return Listing.objects.bulk_create([
        Listing(case=case, debtor=party, court=court, ground=3, facts="转移财产", period_years=2, state=state,
                name=party.name, id_number=party.id_number, obligation="给付", performed_amount=0,
                unperformed_amount=1000, basis_issuer="某院", basis_number="（2025）粤0103民初1号",
                case_number=case.number, filed_on=today, court_name=court.name, decided_on=today,
                published_on=today, proposed_by=clerk)
        for case, party in zip(cases, parties, strict=True)
    ])


# ---------------------------------------------------------------------------------------------- large upload


def test_upload_of_5000_rows_finds_exactly_the_50_listed_and_reports_each_to_its_court(
    liaison, clerk, court, service_listings
):
    other_court = factories.CourtFactory()
    other_clerk = factories.ClerkFactory(organisation=other_court)
    factories.ClerkFactory(organisation=other_court, is_active=False)  # an inactive clerk hears nothing
    listed = bulk_listings(court, clerk, range(1000, 1029))
    listed += bulk_listings(other_court, other_clerk, range(2000, 2020))
    deleted = bulk_listings(court, clerk, [3000], state=ListingState.DELETED)[0]
    # 28 + 20 bulk + 2 through the services = 50 listed people among 5,000 applicants.
    listed_ids = {listing.id_number for listing in listed} | {resident_id(1)}
    rows = [(f"申请人{n}", resident_id(n)) for n in range(1000, 5997)]
    rows[0] = ("张伟", resident_id(1))  # replaces 1000, which is then not uploaded
    listed_ids.discard(resident_id(1000))
    rows.append(("某某贸易有限公司", COMPANY_CODE))
    rows.append(("李娜", resident_id(2)))  # only proposed: not a hit
    rows.append(("王五", deleted.id_number))  # deleted: not a hit
    assert len(rows) == 5000
    expected = {n for n in listed_ids if n in {number for _name, number in rows}} | {COMPANY_CODE}
    assert len(expected) == 50

    batch = screen_applicants(actor=liaison, applicants=parse_upload(xlsx(rows)), source=ScreeningSource.UPLOAD,
                              file_name="申请人.xlsx")

    batch.refresh_from_db()
    assert (batch.total, batch.hits, batch.unit_id) == (5000, 50, liaison.organisation_id)
    hits = ScreeningResult.objects.filter(batch=batch, hit=True).select_related("listing")
    assert {hit.id_number or hit.credit_code for hit in hits} == expected
    assert all(hit.listing.state == ListingState.PUBLISHED for hit in hits)
    assert not ScreeningResult.objects.filter(batch=batch, hit=False, listing__isnull=False).exists()
    assert ScreeningResult.objects.get(batch=batch, row_number=2).name == "张伟"  # row 1 is the header
    # Bulk rows carry the applicant's name (申请人n) while the listing says 批量n: hit, name not confirmed.
    assert {hit.name_matches for hit in hits if hit.name.startswith("申请人")} == {False}
    assert all(hit.name_matches for hit in hits if not hit.name.startswith("申请人"))
    # Each hit is feedback to its own court: the listing shows it, and the court's active clerks are notified.
    zhang = service_listings["张伟"]
    assert [result.batch_id for result in hits_for_listing(zhang)] == [batch.pk]
    by_court = {court.pk: 0, other_court.pk: 0}
    for hit in hits:
        by_court[hit.listing.court_id] += 1
    assert by_court[other_court.pk] == 20
    assert Notification.objects.filter(recipient=clerk, kind="screening_hit").count() == by_court[court.pk]
    assert Notification.objects.filter(recipient=other_clerk, kind="screening_hit").count() == 20
    assert Notification.objects.filter(kind="screening_hit").count() == 50
    note = Notification.objects.filter(recipient=clerk, title__contains="张伟").get()
    assert liaison.organisation.name in note.body and "姓名一致" in note.body


# ------------------------------------------------------------------------------------------ all or nothing


def test_a_bad_row_refuses_the_whole_upload_naming_the_row(liaison, clerk, court):
    bulk_listings(court, clerk, [10])
    rows = [(f"申请人{n}", resident_id(n)) for n in range(10, 40)]
    rows[10] = ("错号", wrong_check(resident_id(20)))  # file row 12 (header is row 1)
    with pytest.raises(ApplicationError) as error:
        screen_applicants(actor=liaison, applicants=parse_upload(xlsx(rows)), source=ScreeningSource.UPLOAD)
    assert error.value.message == "第12行：身份证号码校验位错误，请核对号码。"
    rows[20] = ("", resident_id(30))  # row 22: no name
    with pytest.raises(ApplicationError) as error:
        screen_applicants(actor=liaison, applicants=parse_upload(xlsx(rows)), source=ScreeningSource.UPLOAD)
    assert "第12行" in error.value.message and "第22行：请填写姓名或名称" in error.value.message
    assert len(error.value.extra["errors"]) == 2
    assert not ScreeningBatch.objects.exists() and not ScreeningResult.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("upload", "expected"), [
    (Upload(b"not a workbook", "名单.xlsx"), "不是有效的 Excel 工作簿"),
    (Upload(b"%PDF-1.4", "名单.pdf"), "只能上传 Excel 工作簿（.xlsx）或 CSV 文件"),
    (Upload(b"", "名单.csv"), "文件是空的"),
    (Upload("姓名,证件号码\r\n".encode(), "名单.csv"), "只有表头"),
    (Upload("名字,号码\r\n张三,1\r\n".encode(), "名单.csv"), "未找到表头"),
])
def test_a_malformed_file_is_refused(upload, expected):
    with pytest.raises(ApplicationError) as error:
        parse_upload(upload)
    assert expected in error.value.message


def test_wrong_header_in_xlsx_is_refused():
    with pytest.raises(ApplicationError) as error:
        parse_upload(xlsx([("张三", resident_id(1))], header=("名字", "号码")))
    assert "未找到表头" in error.value.message


# --------------------------------------------------------------------------------------------- CSV encodings


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_with_or_without_bom_and_gb18030(encoding, liaison, clerk, court, api_for):
    bulk_listings(court, clerk, [7], prefix="钱")
    content = csv_bytes([("钱7", resident_id(7)), ("孙八", resident_id(8)), ("某某贸易有限公司", COMPANY_CODE)],
                        encoding=encoding, header="姓名,身份证号/统一社会信用代码")
    response = api_for(liaison).post("/api/v1/screenings/", {"file": Upload(content, "名单.csv")},
                                     format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["source"], body["file_name"], body["total"], body["hits"]) == ("upload", "名单.csv", 3, 1)
    first = body["results"][0]
    assert (first["row_number"], first["hit"], first["name_matches"]) == (2, True, True)
    assert body["results"][2]["credit_code"] == COMPANY_CODE


def test_separate_id_and_credit_code_columns():
    content = "姓名,公民身份号码,统一社会信用代码\r\n张三,44010319850615123X,\r\n某公司,,91110000600037341L\r\n"
    applicants = parse_upload(Upload(content.encode(), "a.csv"))
    assert applicants == [
        {"row": 2, "name": "张三", "identifier": "44010319850615123X", "credit_code": ""},
        {"row": 3, "name": "某公司", "identifier": "", "credit_code": COMPANY_CODE},
    ]


# ----------------------------------------------------------------------------------------------------- API


def test_api_json_screening_shows_the_listing_of_a_hit(liaison, service_listings, api_for):
    api = api_for(liaison)
    response = api.post("/api/v1/screenings/", {"applicants": [
        {"name": "张 伟", "id_number": resident_id(1).lower()},
        {"name": "某某贸易有限公司", "credit_code": COMPANY_CODE},
        {"name": "李娜", "id_number": resident_id(2)},
    ]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["source"], body["total"], body["hits"]) == ("api", 3, 2)
    zhang = next(result for result in body["results"] if result["row_number"] == 1)
    assert zhang["hit"] and zhang["name_matches"]
    assert zhang["listing"]["case_number"] == "（2026）粤0103执555号"
    assert zhang["listing"]["name"] == "张伟" and zhang["listing"]["ground"] == 3
    assert zhang["listing"]["court_name"] == service_listings["张伟"].court_name
    li = next(result for result in body["results"] if result["row_number"] == 3)
    assert (li["hit"], li["listing"]) == (False, None)
    assert [result["hit"] for result in body["results"]] == [True, True, False]  # hits first
    listing = api.get("/api/v1/screenings/").json()
    assert [row["id"] for row in listing["results"]] == [body["id"]]
    assert api.get(f"/api/v1/screenings/{body['id']}/").json()["hits"] == 2


def test_api_refuses_a_bad_row_with_its_number(liaison, api_for):
    response = api_for(liaison).post("/api/v1/screenings/", {"applicants": [
        {"name": "甲", "id_number": resident_id(1)}, {"name": "乙", "id_number": wrong_check(resident_id(2))},
    ]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"applicants": ["第2行：身份证号码校验位错误，请核对号码。"]}
    assert not ScreeningBatch.objects.exists()


def test_only_liaisons_screen(clerk, committee_user, api_for):
    with pytest.raises(PermissionDenied):
        screen_applicants(actor=clerk, applicants=[{"name": "甲", "id_number": resident_id(1)}],
                          source=ScreeningSource.API)
    assert api_for(clerk).post("/api/v1/screenings/", {"applicants": []}, format="json").status_code == 403
    assert api_for(committee_user).post("/api/v1/screenings/", {"applicants": []}, format="json").status_code == 403
    assert api_for(clerk).get("/api/v1/screenings/").json()["count"] == 0


# ------------------------------------------------------------------------------------------ unit isolation


def test_another_units_screening_is_404(liaison, other_liaison, client_for, api_for):
    batch = screen_applicants(actor=liaison, applicants=[{"name": "甲", "id_number": resident_id(1)}],
                              source=ScreeningSource.SINGLE)
    colleague = factories.LiaisonFactory(organisation=liaison.organisation, liaison_role="B")
    client = client_for(colleague)
    assert client.get(reverse("blacklist:screening-detail", args=[batch.pk])).status_code == 200
    client = client_for(other_liaison)
    assert client.get(reverse("blacklist:screening-detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("blacklist:screening-results-xlsx", args=[batch.pk])).status_code == 404
    assert batch.pk not in [b.pk for b in client.get(reverse("blacklist:screening-list")).context["page"]]
    api = api_for(other_liaison)
    assert api.get(f"/api/v1/screenings/{batch.pk}/").status_code == 404
    assert api.get("/api/v1/screenings/").json()["count"] == 0


# --------------------------------------------------------------------------------------------------- pages


def test_pages_single_check_upload_and_download(liaison, service_listings, client_for):
    client = client_for(liaison)
    assert client.get(reverse("blacklist:screening-new")).status_code == 200
    response = client.post(reverse("blacklist:screening-new"),
                           {"mode": "single", "name": "张伟", "identifier": resident_id(1)})
    batch = ScreeningBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("blacklist:screening-detail", args=[batch.pk])
    page = client.get(response.url)
    assert "命中" in page.content.decode() and "（2026）粤0103执555号" in page.content.decode()
    # The company's code typed into the one identifier box is recognised as a credit code.
    client.post(reverse("blacklist:screening-new"), {"mode": "single", "name": "某某贸易有限公司",
                                                      "identifier": COMPANY_CODE})
    assert ScreeningResult.objects.filter(credit_code=COMPANY_CODE, hit=True).count() == 1
    # A bad upload shows the row and saves nothing.
    rows = [("甲", resident_id(5)), ("乙", wrong_check(resident_id(6)))]
    response = client.post(reverse("blacklist:screening-new"), {"mode": "upload", "file": xlsx(rows)})
    assert response.status_code == 400 and "第3行：身份证号码校验位错误" in response.content.decode()
    assert ScreeningBatch.objects.count() == 2
    response = client.post(reverse("blacklist:screening-new"), {"mode": "upload", "file": xlsx(rows[:1])})
    assert response.status_code == 302
    assert client.get(reverse("blacklist:screening-list")).status_code == 200
    download = client.get(reverse("blacklist:screening-results-xlsx", args=[batch.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:6] == (1, "张伟", resident_id(1), None, "是", "是")
    assert values[1][6] == "（2026）粤0103执555号"


def test_results_xlsx_writes_formula_like_names_as_text(liaison, client_for):
    """An applicant's name typed as `=1+1` (or `-1+2`, `@SUM(1)`) comes back in the results workbook as text."""
    batch = screen_applicants(actor=liaison, source=ScreeningSource.UPLOAD, applicants=[
        {"name": "=1+1", "id_number": resident_id(1)}, {"name": "-1+2", "id_number": resident_id(2)},
        {"name": "@SUM(1)", "id_number": resident_id(3)}])

    download = client_for(liaison).get(reverse("blacklist:screening-results-xlsx", args=[batch.pk]))

    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
    names = {row[1].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert set(names) == {"=1+1", "-1+2", "@SUM(1)"}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in names.values())


def test_pages_are_for_liaisons_only(clerk, client_for):
    assert client_for(clerk).get(reverse("blacklist:screening-list")).status_code == 404


# ------------------------------------------------------------------------------------------- query count


def test_query_count_does_not_grow_with_the_number_of_applicants(liaison, clerk, court,
                                                                 django_assert_max_num_queries):
    bulk_listings(court, clerk, [0, 1, 2, 100, 101, 102])
    # Warm the per-process caches (content types of the audit log) so both measured runs start alike: a hit, so the
    # hit links and the court's notifications are written once too.
    screen_applicants(actor=liaison, applicants=[{"name": "甲", "id_number": resident_id(0)}],
                      source=ScreeningSource.API)

    def applicants(size):  # 6 hits in the first 100, 9 in the first 1,000
        return [{"name": f"批量{n}", "id_number": resident_id(n)} for n in range(size)]

    with CaptureQueriesContext(connection) as small:
        assert screen_applicants(actor=liaison, applicants=applicants(100), source=ScreeningSource.API).hits == 3
    with django_assert_max_num_queries(len(small)) as large:
        assert screen_applicants(actor=liaison, applicants=applicants(1000), source=ScreeningSource.API).hits == 6
    # savepoint, listings, batch, results, hit links, unit, clerks, notifications, deliveries; an audit entry for each
    # write (the batch by its signal, the bulk writes by the audited queryset)
    assert len(large) == len(small) <= 17


def test_the_court_sees_screening_hits_on_the_listing_page(client_for, clerk, leader):
    from django.urls import reverse

    from blacklist.listings import services
    from blacklist.screening.services import screen_applicants
    from cases import services as case_services

    case = case_services.create_case(
        actor=clerk, number="（2026）粤0103执990号", amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初9号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": "张伟", "id_number": "44010319850615123X"}],
    )
    listing = services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3, facts="转移财产")
    services.approve_listing(actor=leader, listing=listing)
    registry = factories.OrganisationFactory(name="测试不动产登记中心", measures=["restrict_qualification"])
    screen_applicants(actor=factories.LiaisonFactory(organisation=registry), source="single",
                      applicants=[{"name": "张伟", "id_number": "44010319850615123X"}])
    page = client_for(clerk).get(reverse("blacklist:listing-detail", args=[listing.pk])).content.decode()
    assert "测试不动产登记中心" in page and "申请人 张伟" in page and "批准发布" in page


# ------------------------------------------------------------------------------------- listed by two courts


def _published(clerk, leader, number, name, id_number):
    case = case_services.create_case(
        actor=clerk, number=number, amount="1000", basis_issuer="某院", basis_number="（2025）粤0103民初9号",
        filed_on="2026-01-05", applicants=[{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
        debtors=[{"kind": "person", "name": name, "id_number": id_number}],
    )
    listing = services.propose_listing(actor=clerk, debtor=case.parties.debtors().get(), ground=3, facts="转移财产")
    return services.approve_listing(actor=leader, listing=listing)


def test_a_hit_on_an_identifier_listed_by_two_courts_is_reported_to_both(liaison, clerk, leader, client_for):
    """Two courts have listed the same person (the second court's record spells the name differently): one
    applicant is one hit for the unit, and it is feedback on both listings and a notification to both courts."""
    other_court = factories.CourtFactory(name="测试人民法院乙")
    other_clerk = factories.ClerkFactory(organisation=other_court)
    other_leader = factories.LeaderFactory(organisation=other_court)
    here = _published(clerk, leader, "（2026）粤0103执991号", "张伟", resident_id(7))
    there = _published(other_clerk, other_leader, "（2026）粤0104执992号", "张玮", resident_id(7))
    unrelated = _published(clerk, leader, "（2026）粤0103执993号", "李四", resident_id(8))

    batch = screen_applicants(actor=liaison, source=ScreeningSource.SINGLE,
                              applicants=[{"name": "张伟", "id_number": resident_id(7)}])

    batch.refresh_from_db()
    assert (batch.total, batch.hits) == (1, 1)
    result = ScreeningResult.objects.get(batch=batch)
    assert result.listing_id == here.pk and result.name_matches  # the unit is shown the listing whose name matches
    found_here = list(hits_for_listing(here))
    found_there = list(hits_for_listing(there))
    assert [hit.pk for hit in found_here] == [hit.pk for hit in found_there] == [result.pk]
    assert found_here[0].listing_name_matches is True and found_there[0].listing_name_matches is False
    assert list(hits_for_listing(unrelated)) == []
    mine = Notification.objects.get(recipient=clerk, kind="screening_hit")
    theirs = Notification.objects.get(recipient=other_clerk, kind="screening_hit")
    assert "（2026）粤0103执991号" in mine.title and "姓名一致" in mine.body
    assert "（2026）粤0104执992号" in theirs.title and "姓名不一致" in theirs.body
    assert "（2026）粤0103执991号" not in theirs.title  # each court hears of its own listing
    assert Notification.objects.filter(kind="screening_hit").count() == 2
    # Both listing pages show the feedback; the second court's flags the different name.
    page = client_for(other_clerk).get(reverse("blacklist:listing-detail", args=[there.pk])).content.decode()
    assert liaison.organisation.name in page and "申请人 张伟" in page and "姓名不一致" in page
