"""Backup and restore (issue 8, data safety): back up, wipe the database and the uploaded files, restore, compare."""

import hashlib
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from assistance.models import Attachment, AttachmentKind, Notice
from cases.models import Case
from linkage.backup import read_manifest, table_counts
from tests.assistance.helpers import draft_notice, file_case
from tests.factories import ClerkFactory, CourtFactory, OrganisationFactory

SCAN = b"%PDF-1.4\n% a stamped reply scan\n" + bytes(range(256)) * 40


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _wipe_everything(media_root):
    """What a lost server looks like: no tables at all, no uploaded files."""
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def _snapshot():
    """What must come back: every notice's fields, every attachment's bytes."""
    notices = list(Notice.objects.order_by("pk").values())
    attachments = [(a.pk, a.original_name, a.sha256, hashlib.sha256(a.file.read()).hexdigest())
                   for a in Attachment.objects.order_by("pk")]
    return notices, attachments


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_row_and_file(reference_data, media, tmp_path):
    court = CourtFactory()
    clerk = ClerkFactory(organisation=court)
    unit = OrganisationFactory(jurisdiction=court.jurisdiction, name="区公安分局", measures=["inquiry"])
    case = file_case(clerk)
    notice = draft_notice(clerk, case, unit, measure="inquiry", items=[{"property_kind": "bank_account", "identifier": "6222000011112222", "holder": "工商银行荔湾支行",
                                  "amount": "150000", "description": "查询银行存款"}],
                          ruling_number="（2026）粤0103执1234号之一")
    attachment = Attachment(notice=notice, kind=AttachmentKind.RULING, original_name="执行裁定书.pdf",
                            content_type="application/pdf", size=len(SCAN),
                            sha256=hashlib.sha256(SCAN).hexdigest(), uploaded_by=clerk)
    attachment.file.save("scan.pdf", ContentFile(SCAN), save=True)
    before_counts, before = table_counts(), _snapshot()

    call_command("backup", output=str(tmp_path / "backups"))
    archive = next((tmp_path / "backups").glob("linkage-backup-*.tar.gz"))
    manifest = read_manifest(archive)
    assert manifest["tables"] == before_counts
    assert list(manifest["files"]) == [attachment.file.name]
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "database.dump", f"media/{attachment.file.name}"} <= set(tar.getnames())

    _wipe_everything(media)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('assistance_notice')")
        assert cursor.fetchone()[0] is None  # really gone
    assert not any(media.rglob("*"))

    call_command("restore", str(archive), yes=True)

    assert table_counts() == before_counts
    assert _snapshot() == before
    assert Case.objects.get().number == case.number
    assert (media / attachment.file.name).read_bytes() == SCAN


@pytest.mark.django_db(transaction=True)
def test_restore_keeps_the_files_it_replaces_and_asks_for_confirmation(reference_data, media, tmp_path):
    (media / "notices").mkdir(parents=True)
    (media / "notices" / "old.pdf").write_bytes(b"kept")
    call_command("backup", output=str(tmp_path))
    archive = next(tmp_path.glob("linkage-backup-*.tar.gz"))
    CourtFactory(name="备份后新建的法院")

    call_command("restore", str(archive))  # without --yes: shows the archive, changes nothing
    assert CourtFactory._meta.model.objects.filter(name="备份后新建的法院").exists()

    (media / "notices" / "newer.pdf").write_bytes(b"uploaded after the backup")
    call_command("restore", str(archive), yes=True)
    assert not CourtFactory._meta.model.objects.filter(name="备份后新建的法院").exists()
    aside = next(media.parent.glob("media.before-restore-*"))
    assert (aside / "notices" / "newer.pdf").read_bytes() == b"uploaded after the backup"  # moved, not deleted
    assert (media / "notices" / "old.pdf").read_bytes() == b"kept"


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "not-a-backup.tar.gz"
    bogus.write_bytes(b"hello")
    with pytest.raises(CommandError, match="不是有效的备份文件"):
        call_command("restore", str(bogus), yes=True)


@pytest.mark.django_db(transaction=True)
def test_backup_archive_is_readable_by_its_owner_only(reference_data, media, tmp_path):
    """The archive holds full identity numbers: mode 0600 even under a permissive umask."""
    import os
    import stat

    previous = os.umask(0o002)
    try:
        call_command("backup", output=str(tmp_path / "backups"))
    finally:
        os.umask(previous)

    (archive,) = (tmp_path / "backups").glob("*.tar.gz")
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    assert read_manifest(archive)["format"] == 1
