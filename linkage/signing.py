"""PAdES signatures on the PDFs the product issues (pyHanko), and their validation against the jurisdiction's roots.

``sign_pdf(pdf_bytes, signer=<organisation code>)`` appends a signature as an incremental update (the original bytes
stay the signed file's first bytes) with a visible field over the seal area: a template marks the seal with an
element ``id="seal"`` (WeasyPrint writes every id as a named destination at the element's top-left corner), and the
field is a ``SEAL_SIZE`` square from there; without the mark, the lower right of the last page. The field's
appearance is drawn by WeasyPrint (the CJK fonts the documents use): a thin red ring with 电子签章 above and the
signing time below, leaving the middle (where the documents print the issuer and the date) clear.

``validate_pdf(pdf_bytes)`` checks every signature: intact (the signed bytes unchanged), valid (the cryptography),
trusted (the certificate chains to the self-made root or an installed anchor, no network: nothing is fetched and
revocation is not checked), and whether anything other than a further signature was appended after signing. The
certificate is judged at the signing time the signature reports, so a document signed with a since-expired or
rotated certificate still validates; the check page's hash of the issued file is the record of when it was issued.

Keys and certificates: ``linkage.signing_keys``.
"""

import asyncio
import binascii
import concurrent.futures
import datetime
import io
import uuid
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone
from django.utils.html import format_html
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

from linkage import pdf, pdf_process, signing_keys
from linkage.signing_keys import SigningIdentityMissing  # noqa: F401  (re-exported: callers catch it from here)

MM = 72 / 25.4
SEAL_SIZE = 34 * MM  # the documents' seal area (templates/pdf/notice.html: .signature .seal, 34 mm)
SEAL_ANCHOR = "seal"
# Without a seal mark: the lower right of the page, inside the notice's margins (24 mm right, 22 mm bottom).
DEFAULT_RIGHT = 30 * MM
DEFAULT_BOTTOM = 40 * MM


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF, as the validator saw it."""

    field_name: str
    intact: bool  # the signed bytes are the ones signed
    valid: bool  # the signature value matches them and the certificate's key
    trusted: bool  # the certificate chains to a trust root (the jurisdiction's CA or an installed one)
    modified: bool  # something other than a further signature was appended after this signature
    signer_name: str  # the certificate's organisation
    certificate_serial: str
    signing_time: datetime.datetime | None

    @property
    def ok(self):
        return self.intact and self.valid and self.trusted and not self.modified


@dataclass(frozen=True)
class PdfCheck:
    """Every signature of a PDF; ``ok`` when there is at least one and all of them are ok."""

    signatures: tuple
    error: str = ""  # why the file could not be read at all (Chinese)

    @property
    def signed(self):
        return bool(self.signatures)

    @property
    def ok(self):
        return self.signed and all(check.ok for check in self.signatures)


def sign_pdf(pdf_bytes: bytes, *, signer: str, reason: str = "", location: str = "", box=None, page=-1) -> bytes:
    """The PDF signed (PAdES B-B, SHA-256) by ``signer``'s current certificate, as an incremental update.

    ``box`` is (x1, y1, x2, y2) in PDF points on ``page`` (an index; -1 is the last page). Without it the field goes
    over the seal mark (``id="seal"``) or, in a document without one, the lower right of ``page``. Raises
    SigningIdentityMissing when ``signer`` has no key yet (``manage.py signing_ca issue <code>``)."""
    identity = signing_keys.current_identity(signer)
    reader = PdfFileReader(io.BytesIO(pdf_bytes))
    if box is None:
        page, box = seal_area(reader, page=page)
    elif page < 0:
        page = int(reader.root["/Pages"]["/Count"]) + page
    now = timezone.localtime()
    field_name = f"Signature{len(reader.embedded_signatures) + 1}"
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        name=identity.subject_name,
    )
    simple_signer = signers.SimpleSigner.load(
        str(identity.key_path),
        str(identity.cert_path),
        ca_chain_files=tuple(str(path) for path in identity.chain_paths),
    )
    if simple_signer is None:
        raise SigningIdentityMissing(f"无法读取“{signer}”的签章密钥或证书（{identity.directory}）。")
    width, height = abs(box[2] - box[0]), abs(box[3] - box[1])
    stamp = StaticStampStyle(
        background=_PdfBytesPage(stamp_pdf(width, height, now)),
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins()
        ),
        border_width=0,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=simple_signer,
        stamp_style=stamp,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=tuple(box)),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    return _run(pdf_signer.async_sign_pdf(writer)).getvalue()


def _run(coroutine):
    """pyHanko's work is async; run it to the end here. A thread that already runs an event loop (an ASGI view, a
    test driving a browser) cannot `asyncio.run` in itself: the coroutine then runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def validate_pdf(pdf_bytes: bytes) -> PdfCheck:
    """Check every signature of the PDF against the jurisdiction's trust roots (no network)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        return PdfCheck(signatures=(), error=f"无法读取该PDF文件：{error}")
    try:
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        return PdfCheck(signatures=(), error=f"文件中的电子签名数据已损坏，无法解析：{error}")
    roots = [
        asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER)) for root in signing_keys.trust_roots()
    ]
    checks = []
    for signature in embedded:
        signing_time = signature.self_reported_timestamp
        context = ValidationContext(
            trust_roots=roots,
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=signing_time or datetime.datetime.now(datetime.UTC),
        )
        certificate = signature.signer_cert
        try:
            status = _run(async_validate_pdf_signature(signature, context))
        except (PdfError, ValueError, KeyError, TypeError):
            # A signature whose byte range or structure cannot even be checked is as good as a broken one.
            checks.append(
                SignatureCheck(
                    field_name=signature.field_name, intact=False, valid=False, trusted=False, modified=True,
                    signer_name=_subject_name(certificate), certificate_serial=format(certificate.serial_number, "x"),
                    signing_time=signing_time,
                )
            )  # fmt: skip
            continue
        checks.append(
            SignatureCheck(
                field_name=signature.field_name,
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                modified=not (status.docmdp_ok or status.modification_level is None),
                signer_name=_subject_name(certificate),
                certificate_serial=format(certificate.serial_number, "x"),
                signing_time=signing_time,
            )
        )
    return PdfCheck(signatures=tuple(checks))


def seal_area(reader, *, page=-1):
    """(page index, box) of the visible signature: over the seal mark when the document has one, else the lower
    right of ``page``."""
    pages = _page_refs(reader)
    destination = _named_destination(reader, SEAL_ANCHOR)
    if destination is not None:
        target = destination.raw_get(0)  # the page's reference (indexing would resolve it)
        for index, ref in enumerate(pages):
            if ref.idnum == target.idnum:
                x, y = float(destination[2]), float(destination[3])
                return index, (x, y - SEAL_SIZE, x + SEAL_SIZE, y)
    index = page if page >= 0 else len(pages) + page
    x1, _y1, x2, _y2 = (float(value) for value in pages[index].get_object()["/MediaBox"])
    right = x2 - DEFAULT_RIGHT
    return index, (right - SEAL_SIZE, DEFAULT_BOTTOM, right, DEFAULT_BOTTOM + SEAL_SIZE)


def stamp_pdf(width, height, signed_at) -> bytes:
    """The visible signature's appearance, ``width`` × ``height`` points, laid out by WeasyPrint."""
    size = min(width, height)
    html = format_html(
        "<style>@page {{ size: {w}pt {h}pt; margin: 0; }}"
        "html, body {{ margin: 0; }}"
        ".ring {{ position: absolute; left: {left}pt; top: {top}pt; width: {ring}pt; height: {ring}pt;"
        " border: 0.9pt solid #c0392b; border-radius: 50%; color: #c0392b; text-align: center;"
        " font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif; }}"
        ".title {{ position: absolute; top: {title_top}pt; left: 0; right: 0; font-size: {title_size}pt;"
        " letter-spacing: 0.15em; }}"
        ".time {{ position: absolute; bottom: {time_bottom}pt; left: 0; right: 0; font-size: {time_size}pt; }}"
        "</style><div class='ring'><div class='title'>电子签章</div><div class='time'>{day}<br>{clock}</div></div>",
        w=f"{width:.2f}",
        h=f"{height:.2f}",
        ring=f"{size - 2:.2f}",
        left=f"{(width - size) / 2 + 1:.2f}",
        top=f"{(height - size) / 2 + 1:.2f}",
        title_top=f"{size * 0.07:.2f}",
        title_size=f"{size * 0.085:.2f}",
        time_bottom=f"{size * 0.06:.2f}",
        time_size=f"{size * 0.07:.2f}",
        day=signed_at.strftime("%Y-%m-%d"),
        clock=signed_at.strftime("%H:%M:%S"),
    )
    return pdf_process.lay_out(str(html), base_url=pdf._base_url())


class _PdfBytesPage(content.PdfContent):
    """The first page of a PDF given as bytes, as the stamp's background (pyHanko's ImportedPdfPage reads a file)."""

    def __init__(self, pdf_bytes):
        self.pdf_bytes = pdf_bytes
        super().__init__()

    def render(self) -> bytes:
        xobject = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.pdf_bytes)), page_ix=0)
        name = "/Import" + binascii.hexlify(uuid.uuid4().bytes).decode("ascii")
        self.resources.xobject[name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode("ascii") + b" Do"


def _page_refs(reader):
    """The references of the document's pages, in order."""
    count = int(reader.root["/Pages"]["/Count"])
    return [reader.find_page_for_modification(index)[0] for index in range(count)]


def _named_destination(reader, name):
    """The explicit destination array named ``name`` in the catalogue's /Names /Dests tree, or None."""
    try:
        tree = reader.root["/Names"]["/Dests"]
    except KeyError:
        return None
    return _search_name_tree(tree, name)


def _search_name_tree(node, name):
    node = node.get_object()
    names = node.get("/Names", [])
    for index in range(0, len(names) - 1, 2):
        if str(names[index]) == name:
            value = names[index + 1]
            return value["/D"] if isinstance(value, generic.DictionaryObject) else value
    for kid in node.get("/Kids", []):
        found = _search_name_tree(kid, name)
        if found is not None:
            return found
    return None


def _subject_name(certificate):
    """The organisation an asn1crypto certificate names (its O, else its CN)."""
    subject = certificate.subject.native
    return subject.get("organization_name") or subject.get("common_name") or certificate.subject.human_friendly
