"""Property-based tests (hypothesis) of the identifier validators and the working-day arithmetic.

The example tests in test_identifiers.py and test_workdays.py pin the published examples and the holidays; these
check the laws that must hold for every input: a number built with its check character is accepted and any single
changed character is refused; validation is idempotent; adding N then M working days equals adding N+M; a period
always ends on a working day with exactly N working days in between.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkage.identifiers import (
    CREDIT_CODE_ALPHABET,
    age_on,
    credit_code_check_char,
    normalize_case_number,
    normalize_credit_code,
    normalize_document_number,
    normalize_resident_id,
    organisation_code_check_char,
    resident_id_check_char,
)
from linkage.workdays import WorkingCalendar

TODAY = datetime.date(2026, 11, 24)
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- strategies ---------------------------------------------------------------------------------------------------

birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def resident_ids(draw):
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    born = draw(birth_dates)
    sequence = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    return first17 + resident_id_check_char(first17), born


@st.composite
def credit_codes(draw):
    head = draw(st.sampled_from("123456789ANY")) + draw(st.sampled_from(CREDIT_CODE_ALPHABET))
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    body8 = draw(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))
    organisation = body8 + organisation_code_check_char(body8)  # its check is 0-9 or X, all in the alphabet
    first17 = head + region + organisation
    return first17 + credit_code_check_char(first17)


# -- resident ID ----------------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(resident_ids())
def test_a_resident_id_built_with_its_check_character_is_accepted(generated):
    number, born = generated
    assert normalize_resident_id(number, today=TODAY) == number
    assert normalize_resident_id(number.lower(), today=TODAY) == number  # idempotent, x and X alike
    assert age_on(number, TODAY) == TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


@PROPERTY_SETTINGS
@given(resident_ids(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_changed_character_of_a_resident_id_is_refused(generated, position, replacement):
    number, _ = generated
    if number[position] == replacement or (replacement == "X" and position < 17):
        return  # not a change, or a character the format refuses for another reason (checked elsewhere)
    changed = number[:position] + replacement + number[position + 1:]
    with pytest.raises(ValidationError) as caught:
        normalize_resident_id(changed, today=TODAY)
    assert all("\u4e00" <= char <= "\u9fff" for char in caught.value.messages[0][:2])  # a Chinese message


@PROPERTY_SETTINGS
@given(resident_ids(), st.integers(min_value=0, max_value=16))
def test_swapping_two_different_neighbouring_digits_of_a_resident_id_is_refused(generated, position):
    number, _ = generated
    if number[position] == number[position + 1]:
        return
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    with pytest.raises(ValidationError):
        normalize_resident_id(swapped, today=TODAY)


# -- unified social credit code ----------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(credit_codes())
def test_a_credit_code_built_with_its_check_characters_is_accepted(code):
    assert normalize_credit_code(code) == code
    assert normalize_credit_code(" ".join([code[:9], code[9:]]).lower()) == code


@PROPERTY_SETTINGS
@given(credit_codes(), st.sampled_from(CREDIT_CODE_ALPHABET))
def test_a_changed_last_character_of_a_credit_code_is_refused(code, replacement):
    if code[17] == replacement:
        return
    with pytest.raises(ValidationError):
        normalize_credit_code(code[:17] + replacement)


@PROPERTY_SETTINGS
@given(credit_codes(), st.integers(min_value=0, max_value=16), st.sampled_from(CREDIT_CODE_ALPHABET))
def test_any_single_changed_character_of_a_credit_code_is_refused(code, position, replacement):
    if code[position] == replacement:
        return
    with pytest.raises(ValidationError):
        normalize_credit_code(code[:position] + replacement + code[position + 1:])


@PROPERTY_SETTINGS
@given(credit_codes(), st.sampled_from("IOZSV"), st.integers(min_value=0, max_value=17))
def test_letters_outside_the_alphabet_are_refused_by_name(code, letter, position):
    with pytest.raises(ValidationError) as caught:
        normalize_credit_code(code[:position] + letter + code[position + 1:])
    assert letter in caught.value.messages[0] or "登记管理部门" in caught.value.messages[0]


# -- case and document numbers ----------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(
    st.integers(min_value=1949, max_value=2026),
    st.sampled_from(["粤0103", "粤01", "粤", "京0105", "最高法"]),
    st.sampled_from(["执", "执恢", "执保", "执异", "执复", "执监"]),
    st.integers(min_value=1, max_value=999999),
    st.sampled_from([("（", "）"), ("(", ")"), ("〔", "〕"), ("[", "]")]),
)
def test_case_numbers_normalise_to_one_form_whatever_brackets_were_typed(year, court, kind, serial, brackets):
    typed = f"{brackets[0]}{year}{brackets[1]}{court}{kind}{serial}号"
    canonical = f"（{year}）{court}{kind}{serial}号"
    assert normalize_case_number(typed) == canonical
    assert normalize_case_number(canonical) == canonical


@PROPERTY_SETTINGS
@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=1, max_value=5))
def test_zero_padded_serials_are_refused(serial, zeros):
    with pytest.raises(ValidationError):
        normalize_case_number(f"（2024）粤0103执{'0' * zeros}{serial}号")
    with pytest.raises(ValidationError):
        normalize_document_number(f"荔政法〔2017〕{'0' * zeros}{serial}号")
    assert normalize_document_number(f"荔政法[2017]{serial}号") == f"荔政法〔2017〕{serial}号"


# -- working days ----------------------------------------------------------------------------------------------------

days = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2026, 10, 31))
counts = st.integers(min_value=0, max_value=40)


@pytest.fixture(scope="module")
def calendar(django_db_setup, django_db_blocker):
    """The seeded table (2004-2026) held in memory: the examples ask no further queries. (The tests that use it carry
    the django_db mark, so pytest-django creates the test database before this runs.)"""
    with django_db_blocker.unblock():
        return WorkingCalendar.for_range(datetime.date(2023, 12, 1), datetime.date(2027, 3, 31))


def _working_days_between(calendar, first, last):
    """Working days d with first < d <= last."""
    count, day = 0, first + datetime.timedelta(days=1)
    while day <= last:
        count += calendar.is_working_day(day)
        day += datetime.timedelta(days=1)
    return count


@pytest.mark.django_db
def test_the_calendar_knows_the_2026_holidays(calendar):
    """The properties below run on the real schedule: National Day off, its make-up Saturday on."""
    assert not calendar.is_working_day(datetime.date(2026, 10, 1))
    assert calendar.is_working_day(datetime.date(2026, 10, 10))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(days, st.integers(min_value=1, max_value=40), counts)
def test_adding_n_then_m_working_days_equals_adding_n_plus_m(calendar, start, n, m):
    first = calendar.add_working_days(start, n).due_date
    assert calendar.add_working_days(first, m).due_date == calendar.add_working_days(start, n + m).due_date


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(days, st.integers(min_value=1, max_value=60))
def test_a_period_of_n_working_days_ends_on_a_working_day_n_working_days_later(calendar, start, n):
    deadline = calendar.add_working_days(start, n)
    assert calendar.is_working_day(deadline.due_date)
    assert _working_days_between(calendar, start, deadline.due_date) == n
    # Marked provisional exactly when it runs into 2027, a year whose schedule is not loaded (counted Monday-Friday).
    assert deadline.provisional == (deadline.due_date.year > 2026)
    skipped = {day for day, _ in deadline.skipped}
    assert all(not calendar.is_working_day(day) for day in skipped)
    assert (deadline.due_date - start).days == n + len(skipped)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(days, counts, counts)
def test_more_working_days_never_end_earlier(calendar, start, n, m):
    low, high = sorted((n, m))
    assert calendar.add_working_days(start, low).due_at <= calendar.add_working_days(start, high).due_at


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(days, st.integers(min_value=1, max_value=60))
def test_calendar_days_end_on_a_working_day_no_earlier_than_n_days_later(calendar, start, n):
    deadline = calendar.add_calendar_days(start, n)
    assert calendar.is_working_day(deadline.due_date)
    assert deadline.due_date >= start + datetime.timedelta(days=n)
    day = start + datetime.timedelta(days=n)
    while day < deadline.due_date:  # only non-working days were passed over to reach it
        assert not calendar.is_working_day(day)
        day += datetime.timedelta(days=1)
