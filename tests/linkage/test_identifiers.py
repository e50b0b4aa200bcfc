"""Identifier rules (domain rules, "Identifiers").

The check characters used to build test data are computed here independently of linkage.identifiers: the resident ID
weights as 2^(17-i) mod 11 and the credit code weights as 3^i mod 31, so a wrong constant in the code under test
cannot make its own test data agree with it.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from linkage.identifiers import (
    CaseNumber,
    age_on,
    birth_date_from_resident_id,
    normalize_case_number,
    normalize_credit_code,
    normalize_document_number,
    normalize_resident_id,
    normalize_ruling_number,
    parse_case_number,
    sex_from_resident_id,
    validate_case_number,
    validate_credit_code,
    validate_document_number,
    validate_resident_id,
    validate_ruling_number,
)

# ---------------------------------------------------------------------------------------------------------------------
# Independent check-character helpers


def resident_id(first17: str) -> str:
    """Append the GB 11643 check: (12 - Σ a_i·2^(17-i) mod 11) mod 11, with 10 written X."""
    total = sum(int(digit) * pow(2, 17 - i, 11) for i, digit in enumerate(first17))
    check = (12 - total % 11) % 11
    return first17 + ("X" if check == 10 else str(check))


CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def organisation_check(body8: str) -> str:
    values = [ord(char) - ord("A") + 10 if char.isalpha() else int(char) for char in body8]
    remainder = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_code(head8: str, body8: str) -> str:
    """Registration authority + category + region code (8), organisation code body (8) → a valid 18-char code."""
    first17 = head8 + body8 + organisation_check(body8)
    total = sum(CREDIT_ALPHABET.index(char) * pow(3, i, 31) for i, char in enumerate(first17))
    return first17 + CREDIT_ALPHABET[-total % 31]


def error_code(func, value, **kwargs):
    with pytest.raises(ValidationError) as excinfo:
        func(value, **kwargs)
    return excinfo.value.code


def error_message(func, value, **kwargs):
    with pytest.raises(ValidationError) as excinfo:
        func(value, **kwargs)
    return excinfo.value.messages[0]


def test_helpers_agree_with_the_published_examples():
    assert resident_id("11010519491231002") == "11010519491231002X"
    assert credit_code("91110000", "60003734") == "91110000600037341L"


# ---------------------------------------------------------------------------------------------------------------------
# Resident ID


def test_resident_id_valid_example():
    assert normalize_resident_id("11010519491231002X") == "11010519491231002X"


def test_resident_id_lower_case_x_and_spaces_are_normalised():
    assert normalize_resident_id(" 110105 19491231 002x ") == "11010519491231002X"
    assert normalize_resident_id("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_resident_id_wrong_check_digit():
    assert error_code(normalize_resident_id, "110105194912310021") == "resident_id_check_digit"
    assert "校验位错误" in error_message(normalize_resident_id, "110105194912310021")


@pytest.mark.parametrize("birth", ["19990230", "19991301", "19990000", "20230229"])
def test_resident_id_impossible_birth_date(birth):
    number = resident_id("440103" + birth + "123")
    assert error_code(normalize_resident_id, number) == "resident_id_birth_date_invalid"
    assert "不是有效日期" in error_message(normalize_resident_id, number)


def test_resident_id_birth_before_1900_is_refused():
    number = resident_id("44010318991231123")
    assert error_code(normalize_resident_id, number) == "resident_id_birth_date_invalid"


def test_resident_id_future_birth_date():
    number = resident_id("44010320300101123")
    assert error_code(normalize_resident_id, number, today=datetime.date(2026, 11, 24)) == (
        "resident_id_birth_date_future"
    )
    assert "晚于今天" in error_message(normalize_resident_id, number, today=datetime.date(2026, 11, 24))
    # Born today is fine.
    assert normalize_resident_id(resident_id("44010320261124123"), today=datetime.date(2026, 11, 24))


def test_resident_id_future_birth_date_uses_today_in_shanghai():
    number = resident_id("44010320261125123")
    # 2026-11-24 17:00 UTC is already 2026-11-25 01:00 in Shanghai.
    with time_machine.travel(datetime.datetime(2026, 11, 24, 17, 0, tzinfo=datetime.UTC), tick=False):
        assert normalize_resident_id(number) == number
    with time_machine.travel(datetime.datetime(2026, 11, 24, 15, 0, tzinfo=datetime.UTC), tick=False):
        assert error_code(normalize_resident_id, number) == "resident_id_birth_date_future"


def test_resident_id_legacy_15_digits_upgraded():
    assert normalize_resident_id("110105491231002") == "11010519491231002X"
    assert normalize_resident_id("440103800101123") == resident_id("44010319800101123")


def test_resident_id_legacy_15_digits_birth_date_checked():
    assert error_code(normalize_resident_id, "110105490230002") == "resident_id_birth_date_invalid"


@pytest.mark.parametrize("value", ["1101051949123100", "11010519491231002X1", "123"])
def test_resident_id_wrong_length(value):
    assert error_code(normalize_resident_id, value) == "resident_id_length"


@pytest.mark.parametrize("value", ["1101051949123100XX", "11010519491231A02X", "11010549123100X"])
def test_resident_id_wrong_characters(value):
    assert error_code(normalize_resident_id, value) == "resident_id_characters"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_resident_id_empty(value):
    assert error_code(normalize_resident_id, value) == "required"


def test_resident_id_helpers():
    assert birth_date_from_resident_id("11010519491231002X") == datetime.date(1949, 12, 31)
    assert birth_date_from_resident_id("110105491231002") == datetime.date(1949, 12, 31)
    assert sex_from_resident_id("11010519491231002X") == "female"
    assert sex_from_resident_id(resident_id("44010319800101123")) == "male"


def test_age_on_counts_full_years():
    number = resident_id("44010320080315123")
    assert age_on(number, datetime.date(2026, 3, 14)) == 17
    assert age_on(number, datetime.date(2026, 3, 15)) == 18


def test_age_on_leap_day_birthday():
    number = resident_id("44010320080229123")
    assert age_on(number, datetime.date(2026, 2, 28)) == 17
    assert age_on(number, datetime.date(2026, 3, 1)) == 18
    assert age_on(number, datetime.date(2028, 2, 28)) == 19
    assert age_on(number, datetime.date(2028, 2, 29)) == 20


def test_resident_id_validator():
    validate_resident_id("11010519491231002X")
    with pytest.raises(ValidationError):
        validate_resident_id("110105194912310021")


# ---------------------------------------------------------------------------------------------------------------------
# Unified social credit code


def test_credit_code_published_example_passes():
    assert normalize_credit_code("91110000600037341L") == "91110000600037341L"
    assert normalize_credit_code(" 9111 0000 6000 3734 1l ") == "91110000600037341L"


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("91440101", "MA5CBR8K"),  # company with a new-style organisation code
        ("92440103", "L12345GH"),  # individual business
        ("A1110000", "4A3B2C1D"),  # military reform and organisation office
        ("A9440100", "00012345"),
        ("N2440103", "MB0A1234"),  # agriculture: rural collective economic organisation
        ("N1110108", "12345678"),
        ("Y1440103", "MJ8765AB"),  # other registration authorities
        ("Y1110000", "98765432"),
        ("12100000", "40000112"),  # public institution
        ("51440000", "50001234"),  # social organisation
    ],
)
def test_credit_codes_of_every_authority_pass(head, body):
    code = credit_code(head, body)
    assert normalize_credit_code(code) == code
    assert normalize_credit_code(code.lower()) == code


@pytest.mark.parametrize("head", ["91440101", "A1110000", "N2440103", "Y1440103"])
def test_credit_code_wrong_check_char_fails(head):
    code = credit_code(head, "MA5CBR8K")
    for wrong in (c for c in CREDIT_ALPHABET if c != code[17]):
        assert error_code(normalize_credit_code, code[:17] + wrong) == "credit_code_check"
    assert "统一社会信用代码校验位" in error_message(
        normalize_credit_code, code[:17] + ("0" if code[17] != "0" else "1")
    )


def test_credit_code_wrong_organisation_check_fails():
    code = "91110000600037341L"
    wrong = code[:16] + "2" + code[17]
    assert error_code(normalize_credit_code, wrong) == "credit_code_organisation_check"
    assert "组织机构代码校验位" in error_message(normalize_credit_code, wrong)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_credit_code_illegal_letters(letter):
    code = "91110000600037341L"
    bad = code[:10] + letter + code[11:]
    assert error_code(normalize_credit_code, bad) == "credit_code_characters"
    assert "非法字符" in error_message(normalize_credit_code, bad)
    assert letter in error_message(normalize_credit_code, bad)


@pytest.mark.parametrize("first", ["0", "B", "C", "X"])
def test_credit_code_unknown_registration_authority(first):
    assert error_code(normalize_credit_code, first + "1110000600037341L") == "credit_code_authority"
    assert "登记管理部门代码" in error_message(normalize_credit_code, first + "1110000600037341L")


@pytest.mark.parametrize("value", ["91110000600037341", "91110000600037341L0", "600037341"])
def test_credit_code_wrong_length(value):
    assert error_code(normalize_credit_code, value) == "credit_code_length"
    assert "长度" in error_message(normalize_credit_code, value)


def test_credit_code_validator():
    validate_credit_code(credit_code("Y1440103", "MJ8765AB"))
    with pytest.raises(ValidationError):
        validate_credit_code("91110000600037341M")


# ---------------------------------------------------------------------------------------------------------------------
# Case numbers


@pytest.mark.parametrize(
    "value",
    [
        "（2024）粤0103执1234号",
        "(2024)粤0103执1234号",
        "（2024)粤0103执1234号",
        "( 2024 ) 粤0103 执 1234 号",
        "（２０２４）粤０１０３执１２３４号",
    ],
)
def test_case_number_parentheses_normalised_to_one_form(value):
    assert normalize_case_number(value) == "（2024）粤0103执1234号"


def test_parse_case_number():
    assert parse_case_number("(2024)粤0103执恢12号") == CaseNumber(
        year=2024, court_code="粤0103", type_code="执恢", serial=12
    )
    assert str(parse_case_number("(2024)粤0103执恢12号")) == "（2024）粤0103执恢12号"


@pytest.mark.parametrize(
    "value",
    [
        "（2024）粤01执保3号",
        "（2023）云23执异45号",
        "（2025）最高法执监7号",
        "（2024）京执复1号",
        "（2022）兵07执100号",
    ],
)
def test_case_number_court_codes_and_enforcement_types(value):
    assert normalize_case_number(value) == value


@pytest.mark.parametrize("value", ["（2024）粤0103民初1234号", "（2024）粤0103刑初1号", "（2024）粤0103执行1号"])
def test_case_number_non_enforcement_type_refused(value):
    assert error_code(normalize_case_number, value) == "case_number_type"


def test_ruling_number_accepts_any_case_type():
    assert normalize_ruling_number("(2023)粤01民终55号") == "（2023）粤01民终55号"
    assert normalize_ruling_number("（2022）粤0103刑初9号") == "（2022）粤0103刑初9号"
    assert normalize_ruling_number("（2024）粤0103执1234号") == "（2024）粤0103执1234号"
    validate_ruling_number("（2024）粤0103民初1234号")


def test_case_number_leading_zero_serial_refused():
    assert error_code(normalize_case_number, "（2024）粤0103执01234号") == "serial_zero_padded"
    assert "不得补零" in error_message(normalize_case_number, "（2024）粤0103执01234号")
    assert error_code(normalize_case_number, "（2024）粤0103执0号") == "serial_zero"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2024粤0103执1234号", "case_number_format"),
        ("（2024）粤0103执1234", "case_number_format"),
        ("（2024）粤0103执号", "case_number_format"),
        ("（24）粤0103执1234号", "year_format"),
        ("（1948）粤0103执1234号", "year_range"),
        ("（2024）X0103执1234号", "case_number_court"),
        ("（2024）广0103执1234号", "case_number_court"),
        ("（2024）粤01031执1234号", "case_number_court"),
    ],
)
def test_case_number_errors(value, code):
    assert error_code(normalize_case_number, value) == code


def test_case_number_year_up_to_next_year():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)):
        assert normalize_case_number("（2027）粤0103执1号") == "（2027）粤0103执1号"
        assert error_code(normalize_case_number, "（2028）粤0103执1号") == "year_range"


def test_case_number_validator():
    validate_case_number("(2024)粤0103执1234号")
    with pytest.raises(ValidationError):
        validate_case_number("（2024）粤0103民初1234号")


# ---------------------------------------------------------------------------------------------------------------------
# Document numbers


@pytest.mark.parametrize(
    "value",
    [
        "荔政法〔2017〕72号",
        "荔政法[2017]72号",
        "荔政法【2017】72号",
        "荔政法(2017)72号",
        "荔政法（2017）72号",
        " 荔政法 〔2017〕 72 号",
    ],
)
def test_document_number_brackets_normalised(value):
    assert normalize_document_number(value) == "荔政法〔2017〕72号"


def test_document_number_other_examples():
    assert normalize_document_number("法发〔2010〕15号") == "法发〔2010〕15号"
    assert normalize_document_number("国办发明电﹝2025﹞7号") == "国办发明电〔2025〕7号"


def test_document_number_zero_padding_refused():
    assert error_code(normalize_document_number, "荔政法〔2017〕072号") == "serial_zero_padded"
    assert "序号不得补零" in error_message(normalize_document_number, "荔政法〔2017〕072号")


def test_document_number_di_refused():
    assert error_code(normalize_document_number, "荔政法〔2017〕第72号") == "document_number_di"
    assert "不应含“第”字" in error_message(normalize_document_number, "荔政法〔2017〕第72号")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("〔2017〕72号", "document_number_format"),
        ("荔政法2017年72号", "document_number_format"),
        ("荔政法〔2017〕72", "document_number_format"),
        ("荔政法〔2017〕七十二号", "document_number_format"),
        ("荔政法〔17〕72号", "year_format"),
        ("一二三四五六七八九十一〔2017〕72号", "document_number_issuer"),
        ("荔政法〔2017〕0号", "serial_zero"),
    ],
)
def test_document_number_errors(value, code):
    assert error_code(normalize_document_number, value) == code


def test_document_number_validator():
    validate_document_number("荔政法〔2017〕72号")
    with pytest.raises(ValidationError):
        validate_document_number("荔政法〔2017〕第72号")


def test_ruling_number_keeps_its_serial_suffix():
    from linkage.identifiers import normalize_ruling_number

    assert normalize_ruling_number("(2026)粤0103执1234号之一") == "（2026）粤0103执1234号之一"
    assert normalize_ruling_number("（2025）粤0103民初456号") == "（2025）粤0103民初456号"
    with pytest.raises(ValidationError):
        normalize_ruling_number("（2026）粤0103执1234号之")
