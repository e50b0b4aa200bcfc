"""The crime referral letter (移送函): the court's letter to the police with the facts and the evidence list, laid
out on the court PDF base (templates/pdf/crime_referral.html on templates/pdf/base_pdf.html).

An issued document (issue 24, `linkage.verification`): the letter is issued — frozen with its verification code and
QR code beside the seal, signed — when the bureau leader signs it (`issue_crime_referral`, called by
`sign_crime_referral` in its transaction); from then on `crime_referral_pdf` serves the stored bytes. A referral is
never withdrawn once signed (the machine has no such move), so its status stays 有效. The discipline referral
(纪检监察移送) has no letter of the product's own: nothing is issued for it."""

from django.conf import settings
from django.utils import timezone

from linkage import verification
from linkage.numerals import chinese_date, chinese_ordinal
from linkage.pdf import render_pdf
from linkage.verification_models import IssuedDocumentKind

TEMPLATE = "pdf/crime_referral.html"
KIND = IssuedDocumentKind.CRIME_REFERRAL


def crime_referral_context(referral):
    when = referral.signed_at or referral.created_at
    return {
        "referral": referral,
        "court": referral.court,
        "case": referral.case,
        "debtor": referral.debtor,
        "evidence": referral.evidence,
        "dated_cn": chinese_date(when),
        "draft": referral.signed_at is None,
        "answer_days": chinese_ordinal(settings.CRIME_REFERRAL_ANSWER_DAYS),
    }


def issue_crime_referral(referral):
    """Issue the signed referral letter (idempotent): its number is the case number it prints, its addressee the
    police unit (never the debtor)."""
    context = crime_referral_context(referral)
    return verification.issue(
        KIND,
        referral,
        number=referral.case.number,
        issuer_code=referral.court.code,
        issuer_name=referral.court.name,
        addressee=referral.police.name,
        issued_on=timezone.localdate(referral.signed_at),
        render=lambda extra: render_pdf(TEMPLATE, {**context, **extra}),
    )


def crime_referral_pdf(referral):
    """The letter: once signed, the PDF issued then, byte for byte; a draft rendered with its 草稿 line."""
    if referral.signed_at is not None:
        issued = verification.document_for(referral, KIND)
        if issued is not None:
            return bytes(issued.content)
    return render_pdf(TEMPLATE, crime_referral_context(referral))
