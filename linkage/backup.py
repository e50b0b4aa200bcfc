"""Backup and restore of everything the product holds: the database and the uploaded files.

A backup is one ``.tar.gz`` archive holding
- ``database.dump``: ``pg_dump --format=custom`` of the database (on SQLite, a consistent copy made with SQLite's
  online backup API);
- ``media/``: every uploaded file (stamped scans, screening uploads, seals), as stored under MEDIA_ROOT;
- ``manifest.json``: when and from what it was made, the row count of every table and the SHA-256 of every file.

Restoring replaces the database's contents with the archive's and puts the files back; the files that were there
before are moved aside (never deleted), then the restored database and files are checked against the manifest. The
commands are ``manage.py backup`` and ``manage.py restore`` (OPERATIONS.md).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

FORMAT_VERSION = 1
DUMP_NAME = "database.dump"
MANIFEST_NAME = "manifest.json"
MEDIA_DIR = "media"
BACKUP_FILE_MODE = 0o600


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator, in Chinese."""


@dataclass
class Verification:
    missing_files: list[str] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)
    count_mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.missing_files or self.changed_files or self.count_mismatches)

    def describe(self) -> str:
        lines = [f"文件缺失：{name}" for name in self.missing_files]
        lines += [f"文件内容不一致：{name}" for name in self.changed_files]
        lines += [f"表 {table} 行数不一致：备份 {expected}，现有 {actual}"
                  for table, (expected, actual) in self.count_mismatches.items()]
        return "\n".join(lines) or "数据库行数与文件校验全部一致。"


def _vendor():
    return connection.vendor


def _pg_env():
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update({
        "PGHOST": str(db.get("HOST") or "127.0.0.1"),
        "PGPORT": str(db.get("PORT") or 5432),
        "PGUSER": str(db.get("USER") or "postgres"),
        "PGDATABASE": str(db["NAME"]),
    })
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(command, **kwargs):
    try:
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)
    except FileNotFoundError:
        raise BackupError(f"找不到命令 {command[0]}：请安装 PostgreSQL 客户端（postgresql-client）。") from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} 执行失败：{error.stderr.strip()[:2000]}") from None


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (as the database lists them, not as the models do), one query each."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _file_digests(root: Path) -> dict[str, str]:
    digests = {}
    if not root.exists():
        return digests
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as stream:
                for chunk in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(chunk)
            digests[path.relative_to(root).as_posix()] = digest.hexdigest()
    return digests


def _snapshot_dump(target: Path) -> dict[str, int]:
    """Dump the database and count its rows in one snapshot, so the manifest describes exactly the dump."""
    if _vendor() == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            counts = table_counts()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={target}"], env=_pg_env())
        return counts
    if _vendor() == "sqlite":
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
        finally:
            source.close()
        connections.close_all()
        with sqlite3.connect(target) as copy:  # count the copy itself: it is what was backed up
            return {table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in table_counts()}
    raise BackupError(f"不支持备份 {_vendor()} 数据库。")


def create_backup(output_dir, *, now=None) -> Path:
    """Write a backup archive into ``output_dir`` and return its path."""
    now = now or timezone.now()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    archive = output_dir / f"linkage-backup-{timezone.localtime(now):%Y%m%dT%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="linkage-backup-") as work:
        work = Path(work)
        # Files first, then the database: a file uploaded meanwhile is at worst in the archive without its row,
        # never a row without its file.
        files = _file_digests(media_root)
        counts = _snapshot_dump(work / DUMP_NAME)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "database_vendor": _vendor(),
            "database_name": str(settings.DATABASES["default"]["NAME"]),
            "tables": counts,
            "files": files,
        }
        (work / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = archive.with_suffix(".partial")
        # Full identity numbers and addresses: only the owner may read the archive (0600), whatever the umask, from
        # the moment the file exists.
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, BACKUP_FILE_MODE)
        os.fchmod(descriptor, BACKUP_FILE_MODE)
        with os.fdopen(descriptor, "wb") as stream, tarfile.open(fileobj=stream, mode="w:gz") as tar:
            tar.add(work / MANIFEST_NAME, arcname=MANIFEST_NAME)
            tar.add(work / DUMP_NAME, arcname=DUMP_NAME)
            for name in files:  # exactly the files the manifest lists
                tar.add(media_root / name, arcname=f"{MEDIA_DIR}/{name}")
        partial.rename(archive)  # a crash mid-way never leaves a file that looks like a finished backup
    return archive


def read_manifest(archive) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST_NAME)
            if member is None:
                raise KeyError(MANIFEST_NAME)
            manifest = json.loads(member.read().decode("utf-8"))
    except (OSError, KeyError, tarfile.TarError, ValueError):
        raise BackupError(f"{archive} 不是有效的备份文件（缺少或无法读取 {MANIFEST_NAME}）。") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"备份文件格式版本 {manifest.get('format')} 与本系统（{FORMAT_VERSION}）不符。")
    return manifest


def _restore_database(dump: Path) -> None:
    vendor = _vendor()
    connections.close_all()
    if vendor == "postgresql":
        env = _pg_env()
        # Replace the whole schema: the archive holds the complete database, tables the dump lacks must go too.
        _run(["psql", "-v", "ON_ERROR_STOP=1", "-q", "-c",
              "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"], env=env)
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              f"--dbname={env['PGDATABASE']}", str(dump)], env=env)
    elif vendor == "sqlite":
        target = settings.DATABASES["default"]["NAME"]
        source = sqlite3.connect(dump)
        try:
            with sqlite3.connect(target) as restored:
                source.backup(restored)
        finally:
            source.close()
    else:
        raise BackupError(f"不支持恢复 {vendor} 数据库。")


def _safe_members(tar, prefix):
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts:
            raise BackupError(f"备份文件含有不安全的路径：{member.name}")
        if member.name == prefix or member.name.startswith(prefix + "/"):
            yield member


def restore_backup(archive, *, now=None) -> tuple[Verification, Path | None]:
    """Restore ``archive`` over the configured database and MEDIA_ROOT. Returns the verification and where the
    files that were in MEDIA_ROOT before were moved (None when there were none)."""
    now = now or timezone.now()
    manifest = read_manifest(archive)
    if manifest["database_vendor"] != _vendor():
        raise BackupError(f"备份来自 {manifest['database_vendor']} 数据库，当前为 {_vendor()}，不能直接恢复。")
    media_root = Path(settings.MEDIA_ROOT)
    moved_aside = None
    with tempfile.TemporaryDirectory(prefix="linkage-restore-") as work:
        work = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, members=list(_safe_members(tar, DUMP_NAME)), filter="data")
            tar.extractall(work, members=list(_safe_members(tar, MEDIA_DIR)), filter="data")
        _restore_database(work / DUMP_NAME)
        if media_root.exists() and any(media_root.iterdir()):
            moved_aside = media_root.with_name(f"{media_root.name}.before-restore-{timezone.localtime(now):%Y%m%dT%H%M%S}")
            media_root.rename(moved_aside)
        restored_media = work / MEDIA_DIR
        if restored_media.exists():
            shutil.copytree(restored_media, media_root, dirs_exist_ok=True)
        else:
            media_root.mkdir(parents=True, exist_ok=True)
    return verify(manifest), moved_aside


def verify(manifest) -> Verification:
    """Compare the live database and MEDIA_ROOT with a manifest."""
    result = Verification()
    actual_counts = table_counts()
    for table, expected in manifest["tables"].items():
        actual = actual_counts.get(table)
        if actual != expected:
            result.count_mismatches[table] = (expected, actual if actual is not None else -1)
    digests = _file_digests(Path(settings.MEDIA_ROOT))
    for name, digest in manifest["files"].items():
        if name not in digests:
            result.missing_files.append(name)
        elif digests[name] != digest:
            result.changed_files.append(name)
    return result


def describe_archive(archive) -> str:
    manifest = read_manifest(archive)
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    rows = sum(manifest["tables"].values())
    return (f"备份时间 {timezone.localtime(created):%Y-%m-%d %H:%M:%S}，数据库 {manifest['database_name']}"
            f"（{manifest['database_vendor']}），{len(manifest['tables'])} 张表共 {rows} 行，文件 {len(manifest['files'])} 个。")
