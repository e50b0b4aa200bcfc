"""What the tests of issued documents (issue 24) share: the public address the QR codes name, the check page of a
code, and the one check that a PDF carries its code's QR code covering no text (decoded with zxing-cpp from the
page rendered at 200 dpi; pdfplumber's word boxes in points), the page saved as a PNG to look at."""

import io
import itertools
from pathlib import Path

import pdfplumber
import pytest
import zxingcpp
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.conftest import clear_own_cache

BASE = "https://zxld.example.gov.cn"
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
DPI = 200


@pytest.fixture(autouse=True)
def public_base(settings):
    """Imported by a test module, it sets the address every QR code names and keeps the check page's rate limit
    from one test out of the next."""
    settings.LINKAGE_PUBLIC_BASE_URL = BASE
    clear_own_cache()
    yield
    clear_own_cache()


def check_page(code):
    response = Client().get(reverse("verify:check-code", kwargs={"code": code}))
    assert response.status_code == 200
    return response.content.decode()


def overlap(a, b, margin=0.0):
    return not (
        a["x1"] - margin <= b["x0"]
        or a["x0"] >= b["x1"] - margin
        or a["bottom"] - margin <= b["top"]
        or a["top"] >= b["bottom"] - margin
    )


def qr_box(barcode):
    """The QR code's box in points (pdfplumber's coordinates)."""
    corners = [barcode.position.top_left, barcode.position.top_right, barcode.position.bottom_left,
               barcode.position.bottom_right]
    scale = 72 / DPI
    return {"x0": min(c.x for c in corners) * scale, "x1": max(c.x for c in corners) * scale,
            "top": min(c.y for c in corners) * scale, "bottom": max(c.y for c in corners) * scale}


def page_images(pdf_bytes):
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return [page.to_image(resolution=DPI).original.convert("RGB") for page in pdf.pages]


def assert_qr_names_the_check_page(pdf_bytes, issued, artifact):
    """The document carries one QR code, of its check page, with the grouped code and the hint in words beside it,
    and no word lies under the QR code or on another word of that page. Returns the page's index."""
    images = page_images(pdf_bytes)
    found = [(index, barcode) for index, image in enumerate(images) for barcode in zxingcpp.read_barcodes(image)]
    assert [barcode.text for _, barcode in found] == [f"{BASE}/verify/{issued.grouped_code}/"]
    index, barcode = found[0]
    ARTIFACTS.mkdir(exist_ok=True)
    images[index].save(ARTIFACTS / artifact)
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[index]
        text = (page.extract_text() or "").replace("\n", "")
        assert issued.grouped_code in text and "输入核验码查验真伪" in text
        words = page.extract_words()
    box = qr_box(barcode)
    for word in words:
        assert not overlap(word, box), f"{word['text']!r} under the QR code"
    for first, second in itertools.combinations(words, 2):
        assert not overlap(first, second, margin=0.5), f"{first['text']!r} overlaps {second['text']!r}"
    return index
