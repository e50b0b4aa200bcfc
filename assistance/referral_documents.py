"""The crime referral letter (移送函): the court's letter to the police with the facts and the evidence list, laid
out on the court PDF base (templates/pdf/base_pdf.html)."""

from django.conf import settings

from linkage.numerals import chinese_date, chinese_ordinal
from linkage.pdf import render_pdf


def crime_referral_pdf(referral):
    when = referral.signed_at or referral.created_at
    return render_pdf("pdf/crime_referral.html", {
        "referral": referral, "court": referral.court, "case": referral.case, "debtor": referral.debtor,
        "evidence": referral.evidence, "dated_cn": chinese_date(when), "draft": referral.signed_at is None,
        "answer_days": chinese_ordinal(settings.CRIME_REFERRAL_ANSWER_DAYS),
    })
