"""Identifiers every app validates: resident ID numbers, unified social credit codes, case numbers, document numbers.

Each ``normalize_*`` function checks one identifier against its national standard or court practice, raises
``django.core.exceptions.ValidationError`` with a Chinese message and a stable ``code`` when it is wrong, and returns
the canonical form to store. Each ``validate_*`` function wraps a normaliser for use in ``validators=[...]`` of model
and form fields (a validator cannot change the value, so services and forms should store the normalised form).

The checksums are implemented here on purpose: well-known libraries reject valid credit codes whose registration
authority is A, N or Y.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

__all__ = [
    "CaseNumber",
    "ENFORCEMENT_CASE_TYPES",
    "age_on",
    "birth_date_from_resident_id",
    "credit_code_check_char",
    "normalize_case_number",
    "normalize_credit_code",
    "normalize_document_number",
    "normalize_resident_id",
    "normalize_ruling_number",
    "organisation_code_check_char",
    "parse_case_number",
    "resident_id_check_char",
    "sex_from_resident_id",
    "validate_case_number",
    "validate_credit_code",
    "validate_document_number",
    "validate_resident_id",
    "validate_ruling_number",
]

# Full-width digits and letters typed by Chinese input methods are read as their ASCII forms.
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)
_WHITESPACE = re.compile(r"\s+")  # includes the full-width space U+3000


def _clean(value, *, what):
    if value is None:
        raise ValidationError(f"请填写{what}。", code="required")
    text = _WHITESPACE.sub("", str(value).translate(_FULL_WIDTH))
    if not text:
        raise ValidationError(f"请填写{what}。", code="required")
    return text


def _today():
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------------------------------
# Resident ID (居民身份证号码, GB 11643-1999)

_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"
_RESIDENT_ID_18 = re.compile(r"[0-9]{17}[0-9X]")
_RESIDENT_ID_15 = re.compile(r"[0-9]{15}")


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits: ``"10X98765432"[Σ digit×weight mod 11]``."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK[total % 11]


def _resident_birth_date(number18: str, *, today: datetime.date) -> datetime.date:
    digits = number18[6:14]
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(
            f"身份证号码中的出生日期“{digits}”不是有效日期。", code="resident_id_birth_date_invalid"
        ) from None
    if born.year < 1900:
        raise ValidationError(
            f"身份证号码中的出生日期“{digits}”早于1900年，不是有效日期。", code="resident_id_birth_date_invalid"
        )
    if born > today:
        raise ValidationError(
            f"身份证号码中的出生日期“{digits}”晚于今天，不是有效日期。", code="resident_id_birth_date_future"
        )
    return born


def normalize_resident_id(value, *, today: datetime.date | None = None) -> str:
    """Return the 18-character resident ID number, or raise ``ValidationError``.

    Rule (GB 11643-1999): spaces are removed and a lower-case ``x`` becomes ``X``; the number is 17 digits and a
    check character ``"10X98765432"[Σ digit×weight mod 11]`` with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2;
    digits 7-14 are the birth date, a real date between 1900-01-01 and ``today`` (default: today in Asia/Shanghai).
    A legacy 15-digit number is upgraded: ``19`` is inserted after digit 6 and the check character appended; its
    birth date is validated the same way.
    """
    number = _clean(value, what="身份证号码").upper()
    today = today or _today()
    if len(number) == 15:
        if not _RESIDENT_ID_15.fullmatch(number):
            raise ValidationError("15位旧版身份证号码只能由数字组成。", code="resident_id_characters")
        body = number[:6] + "19" + number[6:]
        _resident_birth_date(body + "0", today=today)
        return body + resident_id_check_char(body)
    if len(number) != 18:
        raise ValidationError(f"身份证号码应为18位（旧版为15位），当前为{len(number)}位。", code="resident_id_length")
    if not _RESIDENT_ID_18.fullmatch(number):
        raise ValidationError("身份证号码前17位只能是数字，最后一位只能是数字或X。", code="resident_id_characters")
    _resident_birth_date(number, today=today)
    if resident_id_check_char(number[:17]) != number[17]:
        raise ValidationError("身份证号码校验位错误，请核对号码。", code="resident_id_check_digit")
    return number


def birth_date_from_resident_id(value) -> datetime.date:
    """The birth date in digits 7-14 of a (normalised) resident ID number; a 15-digit number is upgraded first."""
    number = normalize_resident_id(value)
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex_from_resident_id(value) -> str:
    """``"male"`` when the 17th digit of the resident ID number is odd, ``"female"`` when it is even."""
    number = normalize_resident_id(value)
    return "male" if int(number[16]) % 2 else "female"


def age_on(value, day: datetime.date) -> int:
    """Full years of age on ``day`` of the person with this resident ID number.

    The age goes up on the birthday. A person born on 29 February gets a year older on 1 March in a common year
    (the anniversary has not yet come on 28 February), and on 29 February in a leap year.
    """
    born = birth_date_from_resident_id(value)
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


# ---------------------------------------------------------------------------------------------------------------------
# Unified social credit code (统一社会信用代码, GB 32100-2015)

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_AUTHORITIES = "123456789ANY"
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORGANISATION_CODE_BODY = re.compile(r"[0-9A-Z]{8}")


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters: ``alphabet[(31 − Σ value×weight mod 31) mod 31]``."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight for char, weight in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def organisation_code_check_char(body8: str) -> str:
    """The GB 11714 check character of an organisation code's first 8 characters.

    Digits count as themselves and letters A-Z as 10-35; C = 11 − (Σ value×weight mod 11) with weights
    3 7 9 10 5 8 4 2; C = 10 is written ``X`` and C = 11 is written ``0``.
    """
    total = sum(int(char, 36) * weight for char, weight in zip(body8, _ORGANISATION_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalize_credit_code(value) -> str:
    """Return the 18-character unified social credit code, or raise ``ValidationError``.

    Rule (GB 32100-2015): spaces removed, letters upper-cased; 18 characters from
    ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (never I, O, Z, S, V); the first character (registration authority) is
    1-9, A, N or Y; characters 9-17 are an organisation code (GB 11714) whose 9th character is its own check;
    the 18th character is the check ``alphabet[(31 − Σ value×weight mod 31) mod 31]`` with weights
    1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
    """
    code = _clean(value, what="统一社会信用代码").upper()
    if len(code) != 18:
        raise ValidationError(f"统一社会信用代码长度应为18位，当前为{len(code)}位。", code="credit_code_length")
    illegal = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if illegal:
        shown = "、".join(f"“{char}”" for char in illegal)
        raise ValidationError(
            f"统一社会信用代码含有非法字符{shown}（不使用字母I、O、Z、S、V）。", code="credit_code_characters"
        )
    if code[0] not in _CREDIT_CODE_AUTHORITIES:
        raise ValidationError(
            f"统一社会信用代码第1位登记管理部门代码“{code[0]}”无效，应为1-9、A、N或Y。",
            code="credit_code_authority",
        )
    organisation_code = code[8:17]
    if not _ORGANISATION_CODE_BODY.fullmatch(organisation_code[:8]) or (
        organisation_code_check_char(organisation_code[:8]) != organisation_code[8]
    ):
        raise ValidationError(
            "统一社会信用代码第9-17位的组织机构代码校验位错误，请核对代码。", code="credit_code_organisation_check"
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位（第18位）错误，请核对代码。", code="credit_code_check")
    return code


# ---------------------------------------------------------------------------------------------------------------------
# Case numbers (案号) and document numbers (发文字号)

ENFORCEMENT_CASE_TYPES = ("执", "执恢", "执保", "执异", "执复", "执监")
# One-character abbreviations of provincial-level regions (with their alternative forms) and 兵 for the XPCC courts.
COURT_PROVINCES = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵黔云滇陕秦甘陇青蒙桂藏宁新兵"
SUPREME_COURT = "最高法"

_OPENING = {"(": "(", "（": "(", "〔": "(", "[": "(", "［": "(", "【": "(", "﹝": "("}
_CLOSING = {")": ")", "）": ")", "〕": ")", "]": ")", "］": ")", "】": ")", "﹞": ")"}
_BRACKETS = str.maketrans({**_OPENING, **_CLOSING})
_CASE_HEAD = re.compile(r"\(([0-9]+)\)(.*)", re.DOTALL)
_COURT = re.compile(rf"({SUPREME_COURT}|[{COURT_PROVINCES}])([0-9]*)")
_CASE_TAIL = re.compile(r"([\u4e00-\u9fff]+)([0-9]+)")
_DOCUMENT = re.compile(r"([\u4e00-\u9fff]+)\(([0-9]+)\)(.*)", re.DOTALL)


@dataclass(frozen=True)
class CaseNumber:
    """The parts of a case number (案号): ``（year）court_code type_code serial 号``."""

    year: int
    court_code: str
    type_code: str
    serial: int

    def __str__(self):
        return f"（{self.year}）{self.court_code}{self.type_code}{self.serial}号"


def _check_year(digits: str, *, what: str) -> int:
    if len(digits) != 4:
        raise ValidationError(f"{what}中的年份应为4位数字，如2024。", code="year_format")
    year = int(digits)
    latest = _today().year + 1
    if not 1949 <= year <= latest:
        raise ValidationError(f"{what}中的年份{year}不在1949年至{latest}年之间。", code="year_range")
    return year


def _check_serial(digits: str, *, what: str) -> int:
    if digits.startswith("0"):
        if set(digits) == {"0"}:
            raise ValidationError(f"{what}中的序号应为正整数。", code="serial_zero")
        raise ValidationError(f"{what}中的序号不得补零，如应写作“{int(digits)}号”。", code="serial_zero_padded")
    return int(digits)


def parse_case_number(value, *, enforcement: bool = True) -> CaseNumber:
    """Split a case number into its parts, or raise ``ValidationError``.

    Rule: ``（year）`` + court code + case type code + serial + ``号``, e.g. ``（2024）粤0103执1234号``. Full-width or
    half-width parentheses are accepted (also 〔〕 [] 【】, which people type by mistake), full-width digits too, and
    spaces are removed. The year has 4 digits between 1949 and next year; the court code is a provincial
    abbreviation (or 最高法) followed by 0-4 digits; the serial is a positive integer without leading zeros. With
    ``enforcement=True`` the type code must be an enforcement one (执 执恢 执保 执异 执复 执监); otherwise any
    Chinese characters (民初, 民终, 刑初 …).
    """
    text = _clean(value, what="案号").translate(_BRACKETS)
    head = _CASE_HEAD.fullmatch(text)
    if head is None:
        raise ValidationError("案号应以括号中的年份开头，如（2024）粤0103执1234号。", code="case_number_format")
    year = _check_year(head.group(1), what="案号")
    rest = head.group(2)
    if not rest.endswith("号"):
        raise ValidationError("案号应以“号”字结尾，如（2024）粤0103执1234号。", code="case_number_format")
    rest = rest[:-1]
    court = _COURT.match(rest)
    if court is None or len(court.group(2)) > 4:
        raise ValidationError(
            "案号中的法院代字应为省级简称加0-4位数字（如粤0103、粤01、粤）或“最高法”。", code="case_number_court"
        )
    tail = _CASE_TAIL.fullmatch(rest[court.end() :])
    if tail is None:
        raise ValidationError(
            "案号应为年份、法院代字、类型代字和序号，如（2024）粤0103执1234号。", code="case_number_format"
        )
    type_code = tail.group(1)
    if enforcement and type_code not in ENFORCEMENT_CASE_TYPES:
        raise ValidationError(
            f"案件类型代字“{type_code}”不是执行案件类型代字（{'、'.join(ENFORCEMENT_CASE_TYPES)}）。",
            code="case_number_type",
        )
    if not enforcement and len(type_code) > 6:
        raise ValidationError(f"案件类型代字“{type_code}”过长。", code="case_number_type")
    serial = _check_serial(tail.group(2), what="案号")
    return CaseNumber(year=year, court_code=court.group(1) + court.group(2), type_code=type_code, serial=serial)


def normalize_case_number(value) -> str:
    """Return the canonical enforcement case number, e.g. ``（2024）粤0103执1234号`` with full-width parentheses.

    See ``parse_case_number`` for the rule; the type code must be 执, 执恢, 执保, 执异, 执复 or 执监.
    """
    return str(parse_case_number(value, enforcement=True))


_RULING_SUFFIX = re.compile(r"之[一二三四五六七八九十]{1,3}$")


def normalize_ruling_number(value) -> str:
    """Return the canonical number of a ruling: any court case number (the judgment an enforcement case rests on,
    or the enforcement ruling itself).

    Same rule as ``normalize_case_number`` but the type code may be any 1-6 Chinese characters (民初, 民终, 刑初, 执 …),
    and a ruling's serial suffix is kept: several rulings in one case are numbered ``…执1234号之一``, ``之二``.
    """
    text = _clean(value, what="案号")
    suffix = _RULING_SUFFIX.search(text)
    if suffix is not None:
        text = text[: suffix.start()]
    return str(parse_case_number(text, enforcement=False)) + (suffix.group(0) if suffix else "")


def normalize_document_number(value) -> str:
    """Return the canonical document number (发文字号), e.g. ``荔政法〔2017〕72号``, or raise ``ValidationError``.

    Rule (GB/T 9704-2012): issuer code of 1-10 Chinese characters, the year in 〔〕 (also accepted: [] 【】 () （）,
    stored as 〔〕), a serial that is a positive integer with no zero padding and no 第, then 号.
    """
    text = _clean(value, what="发文字号").translate(_BRACKETS)
    match = _DOCUMENT.fullmatch(text)
    if match is None:
        raise ValidationError(
            "发文字号应为机关代字、〔年份〕、序号和“号”，如荔政法〔2017〕72号。", code="document_number_format"
        )
    issuer, year_digits, rest = match.groups()
    if len(issuer) > 10:
        raise ValidationError("发文字号中的机关代字不应超过10个字。", code="document_number_issuer")
    year = _check_year(year_digits, what="发文字号")
    if "第" in rest:
        raise ValidationError("发文字号的序号前不应含“第”字，如应写作〔2017〕72号。", code="document_number_di")
    if not rest.endswith("号"):
        raise ValidationError("发文字号应以“号”字结尾，如荔政法〔2017〕72号。", code="document_number_format")
    serial_digits = rest[:-1]
    if not serial_digits.isascii() or not serial_digits.isdigit():
        raise ValidationError("发文字号中的序号应为阿拉伯数字，如72号。", code="document_number_format")
    serial = _check_serial(serial_digits, what="发文字号")
    return f"{issuer}〔{year}〕{serial}号"


# ---------------------------------------------------------------------------------------------------------------------
# Validators for model and form fields


def validate_resident_id(value):
    """Field validator: the value must be a valid resident ID number (see ``normalize_resident_id``)."""
    normalize_resident_id(value)


def validate_credit_code(value):
    """Field validator: the value must be a valid unified social credit code (see ``normalize_credit_code``)."""
    normalize_credit_code(value)


def validate_case_number(value):
    """Field validator: the value must be a valid enforcement case number (see ``normalize_case_number``)."""
    normalize_case_number(value)


def validate_ruling_number(value):
    """Field validator: the value must be a valid case number of any type (see ``normalize_ruling_number``)."""
    normalize_ruling_number(value)


def validate_document_number(value):
    """Field validator: the value must be a valid document number (see ``normalize_document_number``)."""
    normalize_document_number(value)
