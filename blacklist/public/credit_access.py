"""Who a party of a case is, on the public credit pages (issue 22): the credit-repair application and the judicial
credit report are reached by the case number, the party's identity number (or credit code) and a phone number, with
the app's own captcha. One message for every way it can fail, so the page never says which part was wrong.

A party that passed is remembered in the session for `CREDIT_ACCESS_SECONDS` (its id only), so it can apply and
download its report without typing everything again; nothing else is kept."""

import time

from django.core.exceptions import ValidationError
from django.db.models import Q

from cases.models import Party
from linkage.identifiers import normalize_case_number, normalize_credit_code, normalize_resident_id

from . import captcha as public_captcha

REFUSAL = "案号、身份证号码（统一社会信用代码）或验证码不正确，请核对后重新输入。"
PHONE_REFUSAL = "请填写11位手机号码或带区号的固定电话。"
CREDIT_ACCESS_SECONDS = 30 * 60
_SESSION_KEY = "credit_access"


def _identity_numbers(identity):
    """The forms the identity may be stored in: a resident ID (normalised), or a credit code; none when neither."""
    text = "".join(str(identity or "").split()).upper()[:40]
    numbers = set()
    for normalise in (normalize_resident_id, normalize_credit_code):
        try:
            numbers.add(normalise(text))
        except (ValidationError, ValueError):
            continue
    return numbers


def clean_phone(phone):
    """A phone number of 7-20 digits (hyphens and spaces dropped), or None."""
    digits = "".join(ch for ch in str(phone or "") if ch not in " -")[:30]
    return digits if digits.isdigit() and 7 <= len(digits) <= 20 else None


def find_party(case_number, identity):
    """The party of the case whose identity number or credit code is `identity`, or None."""
    try:
        number = normalize_case_number(str(case_number or "")[:80])
    except (ValidationError, ValueError):
        return None
    numbers = _identity_numbers(identity)
    if not numbers:
        return None
    return (Party.objects.select_related("case", "case__court").filter(case__number=number)
            .filter(Q(id_number__in=numbers) | Q(credit_code__in=numbers)).order_by("pk").first())


def verify(request, *, case_number, identity, captcha_key, captcha_answer):
    """The party, remembered in the session, when the captcha is solved and the case number and identity match a
    party of that case; None otherwise (the captcha is used up either way)."""
    if not public_captcha.solve(captcha_key, captcha_answer):
        return None
    party = find_party(case_number, identity)
    if party is None:
        return None
    granted = {key: value for key, value in request.session.get(_SESSION_KEY, {}).items() if value > time.time()}
    granted[str(party.pk)] = time.time() + CREDIT_ACCESS_SECONDS
    request.session[_SESSION_KEY] = dict(list(granted.items())[-5:])
    return party


def verified_party(request, party_id):
    """The party `party_id` when this session passed `verify` for it within `CREDIT_ACCESS_SECONDS`; else None."""
    expires = request.session.get(_SESSION_KEY, {}).get(str(party_id))
    if not expires or expires < time.time():
        return None
    return Party.objects.select_related("case", "case__court").filter(pk=party_id).first()
