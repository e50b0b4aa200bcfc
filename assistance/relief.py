"""The referral of an applicant in hardship to civil affairs, as a notice (the models: assistance/relief_models.py;
the services: assistance/services/relief.py): its measure, its wording and what its letter (社会救助转介函) says.

The letter is the notice's PDF in its own layout (templates/pdf/relief_referral.html, extending the notice's): the
court, the case, the applicant with identifier and address, the hardship as recorded, the claim still unpaid, the
basis (法发〔2010〕15号 art. 8), and what the unit is asked to answer; its receipt asks the same."""

from linkage.numerals import chinese_date

SOCIAL_RELIEF = "social_relief"
MARRIAGE_MEASURES = frozenset({"marriage_inquiry", "divorce_notice"})
REFERRAL_TITLE = "社会救助转介函"
REFERRAL_TEMPLATE = "pdf/relief_referral.html"
REFERRAL_BASIS = "《关于建立和完善执行联动机制若干问题的意见》（法发〔2010〕15号）第八条"


def referral_item(applicant_name):
    """The one thing a referral asks of the unit, as the notice's item."""
    return (f"对申请执行人{applicant_name}的生活困难情况进行审查，对符合社会救助条件的依照有关规定予以救助，"
            "并将是否予以救助、救助类别和金额（不予救助的，写明理由）回复本院")


def document_context(notice):
    """What the referral letter says about the applicant, or None for a notice that is not a referral. Reads the
    hardship record the notice was loaded with (`select_related("relief_referral__record__applicant")`)."""
    if notice.measure.code != SOCIAL_RELIEF:
        return None
    from .relief_models import ReliefReferral

    try:
        record = notice.relief_referral.record
    except ReliefReferral.DoesNotExist:
        return None
    applicant = record.applicant
    identity = f"{applicant.identifier_label}：{applicant.identifier}" if applicant.identifier else ""
    details = "；".join(part for part in (identity, f"住所：{applicant.address}" if applicant.address else "") if part)
    return {
        "title": REFERRAL_TITLE,
        "applicant": applicant.name,
        "applicant_details": details,
        "circumstances": record.circumstances.strip(),
        "unpaid": f"人民币{record.unpaid_amount:,.2f}元",
        "recorded_date": chinese_date(record.recorded_at),
    }
