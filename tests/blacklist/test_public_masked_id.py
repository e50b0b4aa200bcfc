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
    client = APIClient()
    for index, number in enumerate(candidates(row)):
        for with_name in (True, False):
            for attempt in range(addresses_per_number):
                serial = (index * 2 + with_name) * addresses_per_number + attempt
                address = f"10.{serial // 65536 % 256}.{serial // 256 % 256}.{serial % 256}"
                params = {"id_number": number, **({"name": row["name"]} if with_name else {})}
                response = client.get(API, params, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=address)
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
    found = candidates(row)
    assert TARGET in found
    recovered, queries, answered = attack(row)
    # Before the fix (exact age shown, the number alone answered): "recovered after 101 queries from 64 candidates".
    assert recovered is None, f"recovered after {queries} queries from {len(found)} candidates"
    assert row.get("age") is None, "the exact age narrows the birth date to one year"
    assert len(found) > 300  # a 10-year band: ~3,700 birth dates, one in eleven passes the check digit
    # Across all addresses, the pattern answered at most its miss limit; every other query was refused.
    assert answered <= settings.PUBLIC_ID_PATTERN_MISS_LIMIT
    # The number itself, with the exact name, is still refused for everyone now that the pattern is spent: no
    # oracle left for this pattern in the window.
    response = APIClient(REMOTE_ADDR="198.51.100.7").get(API, {"id_number": TARGET, "name": NAME})
    assert response.status_code == 429 and "次数过多" in response.json()["detail"]


# ------------------------------------------------------------------------------------------- the guards, one by one


def other_number(day):
    """A valid number of the target's pattern (same head and tail) born on another day, or None when the check digit
    of that birth date differs from the target's."""
    number = number_born(day)
    return number if number[-1] == TARGET[-1] else None


def same_pattern_misses(count):
    found, day = [], datetime.date(1985, 1, 1)
    while len(found) < count:
        number = other_number(day)
        if number is not None and number != TARGET:
            found.append(number)
        day += datetime.timedelta(days=1)
    return found


def other_patterns(count):
    """Valid numbers of other patterns (another serial), never listed."""
    return [number_born(datetime.date(1980, 1, 1) + datetime.timedelta(days=day), serial=f"{day % 900 + 100}")
            for day in range(count)]


def ask(address, number, name=NAME, **extra):
    return APIClient(REMOTE_ADDR=address).get(API, {"id_number": number, "name": name, **extra})


def test_age_is_a_band_next_to_a_masked_number(target, settings, client):
    from blacklist.public.search import public_age

    assert public_age(36, TARGET) == (None, "30-39岁")
    settings.PUBLIC_AGE_BAND_YEARS = 5
    assert public_age(36, TARGET) == (None, "35-39岁")
    settings.PUBLIC_AGE_BAND_YEARS = 0
    assert public_age(36, TARGET) == (None, "")
    settings.PUBLIC_ID_MASK_KEEP = (0, 0)  # nothing of the number shown: the age may be
    assert public_age(36, TARGET) == (36, "")
    assert public_age(None, TARGET) == (None, "") and public_age(40, "") == (40, "")
    settings.PUBLIC_ID_MASK_KEEP, settings.PUBLIC_AGE_BAND_YEARS = (6, 4), 10
    page = client.get("/public/debtors/", {"name": NAME}).content.decode()
    assert "30-39岁" in page and "110105********123" in page
    assert published_row(NAME)["age_band"] == "30-39岁"


def test_a_number_is_answered_only_with_the_exact_name_and_a_valid_check_digit(target):
    alone = APIClient().get(API, {"id_number": TARGET})
    assert alone.status_code == 400 and alone.json()["detail"] == "按身份证号码查询时，请同时输入被执行人的完整姓名。"
    assert ask("10.1.0.1", TARGET, name=NAME[:2]).json()["results"] == []  # a prefix of the name finds nothing
    wrong = ask("10.1.0.1", TARGET[:-1] + ("1" if TARGET[-1] != "1" else "2"))
    assert wrong.status_code == 400 and "校验位" in wrong.json()["detail"]
    assert [row["name"] for row in ask("10.1.0.1", TARGET).json()["results"]] == [NAME]


def test_a_client_has_a_daily_budget_of_distinct_numbers(target, settings):
    settings.PUBLIC_ID_DAILY_BUDGET = 3
    settings.PUBLIC_ID_CAPTCHA_AFTER_MISSES = 100
    numbers = other_patterns(4)
    for number in numbers[:3]:
        assert ask("10.2.0.1", number).status_code == 200
    assert ask("10.2.0.1", numbers[0]).status_code == 200  # the same number again costs nothing
    refused = ask("10.2.0.1", numbers[3])
    assert refused.status_code == 429 and "已达上限（3个）" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 86400
    assert ask("10.2.0.2", numbers[3]).status_code == 200  # another address has its own budget
    # A search by name is not an identifier query: never counted, never refused by the budget.
    assert APIClient(REMOTE_ADDR="10.2.0.1").get(API, {"name": NAME}).status_code == 200


def test_a_captcha_served_by_the_app_after_a_few_misses(target, settings, client):
    from django.core.cache import cache

    settings.PUBLIC_ID_CAPTCHA_AFTER_MISSES = 2
    numbers = other_patterns(5)
    for number in numbers[:2]:
        assert ask("10.3.0.1", number).json()["results"] == []
    needed = ask("10.3.0.1", numbers[2])
    assert needed.status_code == 400 and needed.json()["detail"] == "请先输入图中的验证码，再按身份证号码查询。"
    key, url = needed.json()["captcha_key"], needed.json()["captcha_url"]
    assert url == f"/public/captcha/{key}.png"
    image = client.get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert image["Cache-Control"] == "no-store"
    # A wrong answer uses the image up and gives a new one.
    wrong = ask("10.3.0.1", numbers[2], captcha_key=key, captcha="00000" if cache.get(f"public-captcha:{key}") != "00000" else "11111")
    assert wrong.status_code == 400 and wrong.json()["detail"] == "验证码错误或已过期，请输入新图中的验证码。"
    assert client.get(url).status_code == 404
    key = wrong.json()["captcha_key"]
    answer = cache.get(f"public-captcha:{key}")  # what a person reads off the image
    assert ask("10.3.0.1", numbers[2], captcha_key=key, captcha=answer).status_code == 200
    assert ask("10.3.0.1", numbers[3], captcha_key=key, captcha=answer).status_code == 400  # one image, one query
    # The page shows the captcha in its form once it is needed, and takes the answer.
    page = client.get("/public/debtors/", {"name": NAME, "id_number": numbers[3]}, REMOTE_ADDR="10.3.0.1")
    assert page.status_code == 400 and 'id="public-captcha-image"' in page.content.decode()
    key = page.context["captcha_key"]
    page = client.get("/public/debtors/", {"name": NAME, "id_number": TARGET, "captcha_key": key,
                                           "captcha": cache.get(f"public-captcha:{key}")}, REMOTE_ADDR="10.3.0.1")
    assert page.status_code == 200 and "110105********123" in page.content.decode()
    assert client.get("/public/captcha/nonsense.png").status_code == 404


def test_a_masked_pattern_answers_a_few_misses_whoever_asks(target, settings):
    settings.PUBLIC_ID_PATTERN_MISS_LIMIT = 2
    # The holder of the number, with the name, finds it as often as needed: a hit does not spend the pattern.
    for attempt in range(4):
        assert ask(f"10.4.1.{attempt}", TARGET).json()["results"], attempt
    misses = same_pattern_misses(3)
    for index, number in enumerate(misses[:2]):
        response = ask(f"10.4.0.{index}", number)  # every guess from a new address
        assert response.status_code == 200 and response.json()["results"] == []
    for number in (misses[2], TARGET):  # now refused for everyone, found or not: the refusal tells nothing
        refused = ask("10.4.2.1", number)
        assert refused.status_code == 429 and refused.json()["detail"].startswith("该号码近期查询未命中的次数过多")
    # Other patterns are not affected, nor the search by name.
    assert ask("10.4.2.1", other_patterns(1)[0]).status_code == 200
    assert APIClient(REMOTE_ADDR="10.4.2.1").get(API, {"name": NAME}).json()["results"]


def test_without_the_cache_the_number_search_closes_and_the_name_search_stays(target, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}}}
    closed = ask("10.5.0.1", TARGET)
    assert closed.status_code == 503 and "暂不可用" in closed.json()["detail"]
    assert APIClient(REMOTE_ADDR="10.5.0.1").get(API, {"name": NAME}).json()["results"]
