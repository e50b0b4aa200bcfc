"""Fixtures of the grid tests: a court's case, a community of its jurisdiction with its grid liaison, the
subdistrict's A/B contacts, and a task sent through the real service."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grid import services
from linkage.workdays import TIMEZONE
from tests.assistance.helpers import file_case

from .factories import CommunityFactory, GridLiaisonFactory, SubdistrictContactFactory, SubdistrictFactory

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200


def local(*args):
    """An aware Beijing moment."""
    return datetime.datetime(*args, tzinfo=TIMEZONE)


def photo(name="photo.jpg", content=JPEG):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(clerk):
    return file_case(clerk)


@pytest.fixture
def debtor(case):
    return case.parties.debtors().get()


@pytest.fixture
def subdistrict(court):
    return SubdistrictFactory(jurisdiction=court.jurisdiction)


@pytest.fixture
def community(subdistrict):
    return CommunityFactory(subdistrict=subdistrict)


@pytest.fixture
def grid_liaison(community):
    return GridLiaisonFactory(community=community, full_name="陈网格")


@pytest.fixture
def subdistrict_contacts(subdistrict):
    return [SubdistrictContactFactory(organisation=subdistrict, role="A", mobile="13800000001"),
            SubdistrictContactFactory(organisation=subdistrict, role="B", mobile="13800000002")]


@pytest.fixture
def send(clerk, case, community, grid_liaison, debtor):
    """send(kind, **fields): a task of the case sent by the clerk to the community (the grid liaison exists)."""

    def make(kind="locate", **fields):
        defaults = {"party": None if kind == "post" else debtor, "place": "荔湾区多宝路1号",
                    "document_title": "执行通知书" if kind == "serve" else ""}
        return services.send_task(actor=fields.pop("actor", clerk), case=fields.pop("case", case),
                                  community=fields.pop("community", community), kind=kind, **{**defaults, **fields})

    return make
