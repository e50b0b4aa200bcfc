"""Issue 17 item 4: a masked identity number stays masked on the public search.

The attack: an outsider reads one published listing (name, masked number 110105********123X, sex, age or age band,
filing and publication dates), lists every number consistent with what is shown (the 8 hidden digits are the birth
date; the check digit is shown, so about one date in eleven survives) and asks the public search about each, from as
many client addresses as it likes, with and without the name. Before the fix it recovered the number; now the
exact-number search answers only with the exact name, a client has a daily budget of distinct numbers and a captcha
after a few misses, and a masked pattern has a miss limit across all clients."""

import datetime
import re

import pytest
from rest_framework.test import APIClient

from linkage.identifiers import resident_id_check_char
from tests.blacklist.test_public import make_listings
from tests.conftest import clear_own_cache

pytestmark = pytest.mark.django_db

API = "/api/v1/public/debtors/"
NAME = "欧阳明远"
ADULT_AGES = (18, 120)  # minors are not listable (domain rules)


def number_born(born, serial="123"):
    body = f"110105{born:%Y%m%d}{serial}"
    return body + resident_id_check_char(body)


# Born on a date in the middle of the year: neither the first nor the last candidate an attacker would try in order.
TARGET = number_born(datetime.date(1990, 7, 14))


@pytest.fixture(autouse=True)
def clear_cache():
    clear_own_cache()
    yield
    clear_own_cache()


@pytest.fixture
def target(clerk, leader):
    make_listings(clerk, leader, [{"kind": "person", "name": NAME, "id_number": TARGET}], number=901)
    return TARGET


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def candidates(row):
    """Every resident ID number consistent with a public row: the shown head and tail, a real birth date giving the
    shown age (or age band, or any adult age) on some decision date between filing and publication, and the right
    check digit. The shown sex is the parity of the 17th digit, which the tail already shows."""
    head, tail = row["id_number"][:6], row["id_number"][-4:]
    assert re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", row["id_number"]), row["id_number"]
    if row.get("age") is not None:
        youngest, oldest = row["age"], row["age"]
    elif row.get("age_band"):
        youngest, oldest = (int(part) for part in re.fullmatch(r"(\d+)-(\d+)岁", row["age_band"]).groups())
    else:
        youngest, oldest = ADULT_AGES
    filed = datetime.date.fromisoformat(row["filed_on"])
    published = datetime.date.fromisoformat(row["published_on"])
    # Aged `a` on day d ⇔ born in (d - (a + 1) years, d - a years]; d lies between filing and publication.
    first = _years_before(filed, oldest + 1) + datetime.timedelta(days=1)
    last = _years_before(published, youngest)
    found, day = [], first
    while day <= last:
        body = head + f"{day:%Y%m%d}" + tail[:3]
        if resident_id_check_char(body) == tail[3]:
            found.append(body + tail[3])
        day += datetime.timedelta(days=1)
    return found


def attack(row, *, addresses_per_number=1):
    """Ask the public API about each candidate in birth-date order, each from a fresh client address (REMOTE_ADDR
    and X-Forwarded-For both new), with the name and without. Returns (recovered number or None, queries made,
    answers that said found or not found)."""
    queries = answered = 0
    for index, number in enumerate(candidates(row)):
        for with_name in (True, False):
            for attempt in range(addresses_per_number):
                serial = (index * 2 + with_name) * addresses_per_number + attempt
                address = f"10.{serial // 65536 % 256}.{serial // 256 % 256}.{serial % 256}"
                client = APIClient(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=address)
                params = {"id_number": number, **({"name": row["name"]} if with_name else {})}
                response = client.get(API, params)
                queries += 1
                if response.status_code != 200:
                    continue
                answered += 1
                if response.json()["results"]:
                    return number, queries, answered
    return None, queries, answered


def published_row(name):
    response = APIClient(REMOTE_ADDR="192.0.2.1").get(API, {"name": name})
    assert response.status_code == 200, response.content
    [row] = response.json()["results"]
    return row


def test_the_attack_enumerating_the_candidates_of_a_masked_number_fails(target, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # behind one proxy: the attacker chooses X-Forwarded-For freely
    row = published_row(NAME)
    assert row["id_number"] == "110105********123" + TARGET[-1]
    assert row.get("age") is None, "the exact age narrows the birth date to one year"
    found = candidates(row)
    assert TARGET in found and len(found) > 300  # a 10-year band: ~3,650 dates, one in eleven passes the check
    recovered, queries, answered = attack(row)
    assert recovered is None, f"recovered after {queries} queries from {len(found)} candidates"
    # Across all addresses, the pattern answered at most its miss limit; every other query was refused.
    assert answered <= settings.PUBLIC_ID_PATTERN_MISS_LIMIT
    # The number itself, with the exact name, is still refused for everyone now that the pattern is spent: no
    # oracle left for this pattern in the window.
    response = APIClient(REMOTE_ADDR="198.51.100.7").get(API, {"id_number": TARGET, "name": NAME})
    assert response.status_code == 429 and "次数过多" in response.json()["detail"]
