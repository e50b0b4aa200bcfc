"""What an uploaded PDF is, against the document a code names (issue 24): THE comparison the public check page
(`/verify/`) and a unit liaison's inbox (assistance) both show — one implementation, two forms.

``check_upload(document, data)`` answers two questions a bank clerk asks, in Chinese:

* Is it the issued file? Byte for byte (SHA-256 of the whole file against the stored one): 一致 or 不一致. A file
  that begins with the issued bytes and only has something appended (a PDF reader that saved a copy incrementally,
  with a note or a filled form) is not the issued file byte for byte, yet everything the court signed is still there
  unchanged: it says so, in words, when the signature check agrees that what was appended changes nothing shown.
* Its electronic signature (PAdES, `linkage.signing.validate_pdf`): 有效 (by whom, when), 无效或文件被改动, or 未签名.
  "Valid" here means valid AND made with one of the issuer's own certificates (`signing_keys.serials_of`), so a
  genuine signature of another unit on a forged document is not read as the issuer's.

Nothing here says more than the public page may: the signer is the issuer the page already names, and the signing
time is printed on the document's own stamp.
"""

import hashlib
from dataclasses import dataclass

from django.db.models.functions import Length
from django.utils import timezone

from linkage import signing, signing_keys
from linkage.verification_models import IssuedDocument

SAME = "与签发文件完全一致。"
DIFFERENT = "与签发文件不一致（可能被篡改）。"
APPENDED = (
    "与签发文件不是逐字节相同：文件在签发后被阅读软件另存或添加了批注等内容；但经签发机关电子签名的文书正文完整，"
    "未被改动。办理时请以本页所示信息为准，需要原件的请向签发机关索取。"
)
OTHER_DOCUMENT = (
    "与签发文件不一致：该文件虽带有签发机关的有效电子签名，但不是本核验码对应的文书，请按文件上的核验码另行查验。"
)
SIGNATURE_VALID = "电子签名有效（签名单位：{signer}，签名时间：{time}）。"
SIGNATURE_INVALID = "电子签名无效或文件被改动。"
SIGNATURE_NOT_ISSUER = "电子签名无效：签名单位（{signer}）不是本文书的签发机关。"
UNSIGNED = "未签名：该文件不带电子签名。"

# What the templates key their colours on.
VERDICT_SAME, VERDICT_APPENDED, VERDICT_DIFFERENT = "same", "appended", "different"
SIGNATURE_OK, SIGNATURE_BAD, SIGNATURE_NONE = "valid", "invalid", "unsigned"


@dataclass(frozen=True)
class UploadCheck:
    verdict: str  # VERDICT_*
    comparison: str  # the sentence on the bytes
    signature: str  # SIGNATURE_*
    signature_text: str  # the sentence on the signature

    @property
    def identical(self):
        return self.verdict == VERDICT_SAME


def _when(moment):
    return timezone.localtime(moment).strftime("%Y年%-m月%-d日 %H:%M") if moment else "未载明"


def _issuer_signatures(document, check):
    """The signatures made with one of the issuer's own certificates."""
    serials = signing_keys.serials_of(document.issuer_code)
    return [signature for signature in check.signatures if signature.certificate_serial in serials]


def _issued_size(document):
    return (
        IssuedDocument.objects.filter(pk=document.pk).annotate(size=Length("content")).values_list("size", flat=True)[0]
    )


def check_upload(document, data: bytes) -> UploadCheck:
    """The answer for `data` (a whole PDF, already bounded in size by the caller) against the issued `document`."""
    check = signing.validate_pdf(data)
    own = _issuer_signatures(document, check)
    if check.error:  # not even readable as a PDF with signatures: whatever it claims, nothing checks out
        signature, signature_text = SIGNATURE_BAD, SIGNATURE_INVALID
    elif not check.signed:
        signature, signature_text = SIGNATURE_NONE, UNSIGNED
    elif own and all(item.ok for item in own):
        first = own[0]
        signature = SIGNATURE_OK
        signature_text = SIGNATURE_VALID.format(signer=first.signer_name, time=_when(first.signing_time))
    elif not own and all(item.ok for item in check.signatures):
        signature = SIGNATURE_BAD
        signature_text = SIGNATURE_NOT_ISSUER.format(signer="、".join(item.signer_name for item in check.signatures))
    else:
        signature, signature_text = SIGNATURE_BAD, SIGNATURE_INVALID
    if hashlib.sha256(data).hexdigest() == document.sha256:
        return UploadCheck(VERDICT_SAME, SAME, signature, signature_text)
    if signature == SIGNATURE_OK:
        size = _issued_size(document)
        if len(data) > size and hashlib.sha256(data[:size]).hexdigest() == document.sha256:
            return UploadCheck(VERDICT_APPENDED, APPENDED, signature, signature_text)
        return UploadCheck(VERDICT_DIFFERENT, OTHER_DOCUMENT, signature, signature_text)
    return UploadCheck(VERDICT_DIFFERENT, DIFFERENT, signature, signature_text)
