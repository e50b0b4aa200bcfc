"""Judicial suggestion letters and crime referral letters as issued documents (issue 24): the leader's signature
issues the letter with its verification code (signed, its bytes stored and served from then on); the check page says
what it is, its number and its status; a signed suggestion letter withdrawn is 已撤回 there. A discipline referral
has no letter of its own: nothing is issued.

The suggestion letter is laid out on pdf/official_document.html, whose verification block belongs to that layout:
`test_suggestion_letter_qr_code_names_the_check_page` decodes its QR code (run it with that block in place); the
crime referral letter has its own template, whose block and QR code are tested here in full."""
# ruff: noqa: F811 — the fixtures imported from the suggestion and referral tests are the arguments' names

import io

import pdfplumber
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assistance.referral_documents import crime_referral_pdf
from assistance.services import referrals
from assistance.services import suggestions as services
from assistance.suggestion_documents import suggestion_pdf
from linkage import signing, verification
from linkage.errors import TransitionNotAllowed
from linkage.verification_models import IssuedDocument, IssuedDocumentKind, IssuedDocumentStatus
from tests.verification_support import (  # noqa: F401 (public_base: an autouse fixture)
    BASE,
    assert_qr_names_the_check_page,
    check_page,
    public_base,
)

from .test_referrals import EVIDENCE, FACTS, _flag, w  # noqa: F401 (fixture)
from .test_suggestion_letters import (  # noqa: F401 (fixtures)
    SUGGESTIONS,
    case,
    contacts,
    letter,
    overdue_notice,
    signed,
)

pytestmark = pytest.mark.django_db
SUGGESTION = IssuedDocumentKind.SUGGESTION_LETTER
CRIME = IssuedDocumentKind.CRIME_REFERRAL


# ------------------------------------------------------------------------------------------ suggestion letters


def test_a_draft_letter_is_not_issued(letter):
    assert verification.issued(letter, SUGGESTION) is None
    with pdfplumber.open(io.BytesIO(suggestion_pdf(letter))) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "草稿" in text and "核验码" not in text


def test_signing_issues_the_letter_and_its_download_is_the_issued_file(client, letter, leader, clerk, unit, court):
    letter = signed(letter, leader)  # now: the signing key is valid from when the test run made it
    issued = verification.issued(letter, SUGGESTION)
    assert (issued.kind, issued.document_number, issued.addressee, issued.issuer_name, issued.issuer_code) == (
        SUGGESTION,
        letter.document_number,
        unit.name,
        court.name,
        court.code,
    )
    assert issued.issued_on == timezone.localdate(letter.signed_at) and issued.status == IssuedDocumentStatus.IN_FORCE
    stored = bytes(IssuedDocument.objects.get(pk=issued.pk).content)
    assert verification.matches(issued, stored)
    check = signing.validate_pdf(stored)
    assert check.ok, check
    tampered = bytearray(stored)
    tampered[len(tampered) // 2] ^= 0x01
    assert not signing.validate_pdf(bytes(tampered)).ok

    assert suggestion_pdf(letter) == stored
    client.force_login(clerk)
    response = client.get(reverse("assistance:suggestion-pdf", args=[letter.pk]))
    assert response.status_code == 200 and response.content == stored
    # Served, the letter the unit downloads is still the one issued.
    letter = services.serve_letter(actor=clerk, letter=letter)
    assert suggestion_pdf(letter) == stored

    body = check_page(issued.grouped_code)
    assert "司法建议书" in body and letter.document_number in body and unit.name in body and "有效" in body
    assert letter.case.parties.debtors().first().identifier not in body


def test_a_withdrawn_signed_letter_is_withdrawn_on_the_check_page(letter, leader, clerk):
    letter = signed(letter, leader)
    issued = verification.issued(letter, SUGGESTION)
    letter = services.withdraw_letter(actor=clerk, letter=letter, reason="单位已办理")
    issued.refresh_from_db()
    assert issued.status == IssuedDocumentStatus.WITHDRAWN and "单位已办理" in issued.status_note
    body = check_page(issued.grouped_code)
    assert "已撤回" in body and "单位已办理" in body
    # The download of a withdrawn letter says so (rendered afresh with its note), not the issued bytes.
    with pdfplumber.open(io.BytesIO(suggestion_pdf(letter))) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages).replace("\n", "")
    assert "（已撤回：单位已办理）" in text


def test_a_withdrawn_draft_issues_nothing(letter, clerk):
    services.withdraw_letter(actor=clerk, letter=letter, reason="不再发送")
    assert not IssuedDocument.objects.filter(kind=SUGGESTION).exists()


def test_signing_twice_is_refused_and_issues_once(letter, leader):
    letter = signed(letter, leader)
    with pytest.raises(TransitionNotAllowed):
        signed(letter, leader)
    assert IssuedDocument.objects.filter(kind=SUGGESTION).count() == 1


def test_a_refused_signature_issues_nothing(letter, clerk):
    with pytest.raises(Exception):  # noqa: B017 — a clerk may not sign: whatever it raises, nothing is issued
        signed(letter, clerk)
    assert not IssuedDocument.objects.filter(kind=SUGGESTION).exists()


def test_suggestion_letter_qr_code_names_the_check_page(letter, leader):
    """Needs the verification block of pdf/official_document.html (the GB/T 9704 layout's own)."""
    letter = signed(letter, leader)
    issued = verification.document_for(letter, SUGGESTION)
    assert_qr_names_the_check_page(bytes(issued.content), issued, "suggestion-letter-verification.png")


# ------------------------------------------------------------------------------------------ crime referrals


def _signed_referral(w):
    referral = referrals.draft_crime_referral(
        actor=w.clerk, case=w.case, debtor=w.debtor, facts=FACTS, evidence=EVIDENCE
    )
    return referrals.sign_crime_referral(actor=w.leader, referral=referral)


def test_a_draft_referral_is_not_issued(w):
    referral = referrals.draft_crime_referral(
        actor=w.clerk, case=w.case, debtor=w.debtor, facts=FACTS, evidence=EVIDENCE
    )
    assert verification.issued(referral, CRIME) is None
    with pdfplumber.open(io.BytesIO(crime_referral_pdf(referral))) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "草稿" in text and "核验码" not in text


def test_signing_issues_the_referral_whose_qr_code_names_the_check_page(w):
    referral = _signed_referral(w)
    issued = verification.issued(referral, CRIME)
    assert (issued.document_number, issued.addressee, issued.issuer_name) == (
        w.case.number,
        w.police.name,
        w.court.name,
    )
    assert w.debtor.identifier not in issued.addressee
    stored = bytes(IssuedDocument.objects.get(pk=issued.pk).content)
    assert signing.validate_pdf(stored).ok
    assert_qr_names_the_check_page(stored, issued, "crime-referral-verification.png")
    with pdfplumber.open(io.BytesIO(stored)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "草稿" not in text and EVIDENCE[1]["name"] in text

    # The download, before and after sending, is the issued file; the police reads the same.
    client = Client()
    client.force_login(w.clerk)
    url = reverse("assistance:referral-crime-pdf", args=[referral.pk])
    assert client.get(url).content == stored
    referral = referrals.send_crime_referral(actor=w.clerk, referral=referral)
    police = Client()
    police.force_login(w.police_liaison)
    assert police.get(url).content == stored

    body = check_page(issued.grouped_code)
    assert "涉嫌拒不执行判决、裁定罪移送函" in body and w.case.number in body and w.police.name in body
    assert "有效" in body and w.debtor.identifier not in body


def test_signing_a_referral_twice_is_refused_and_issues_once(w):
    referral = _signed_referral(w)
    with pytest.raises(TransitionNotAllowed):
        referrals.sign_crime_referral(actor=w.leader, referral=referral)
    assert IssuedDocument.objects.filter(kind=CRIME).count() == 1


def test_another_courts_leader_cannot_sign_and_nothing_is_issued(w):
    referral = referrals.draft_crime_referral(
        actor=w.clerk, case=w.case, debtor=w.debtor, facts=FACTS, evidence=EVIDENCE
    )
    with pytest.raises(Exception):  # noqa: B017 — refused, whatever the error's class
        referrals.sign_crime_referral(actor=w.other_leader, referral=referral)
    assert not IssuedDocument.objects.exists()


def test_a_discipline_referral_issues_nothing(w):
    _flag(w)
    referral = referrals.draft_discipline_referral(
        actor=w.clerk,
        case=w.case,
        party=w.debtor,
        facts=FACTS,
        evidence=EVIDENCE,
        ruling_number="（2025）粤0103民初1号",
    )
    referrals.send_discipline_referral(actor=w.leader, referral=referral)
    assert not IssuedDocument.objects.exists()
