"""Checks on uploaded scans: size, extension and the file's real content (magic bytes), never the name alone."""

import hashlib
import os

from django.conf import settings

from linkage.errors import ApplicationError

# Magic bytes → (content type, allowed extensions).
SIGNATURES = [
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
    (b"II*\x00", "image/tiff", {".tif", ".tiff"}),
    (b"MM\x00*", "image/tiff", {".tif", ".tiff"}),
]
MAX_FILES = 10


def max_upload_bytes():
    return getattr(settings, "LINKAGE_MAX_UPLOAD_MB", 20) * 1024 * 1024


def inspect_upload(upload):
    """Return (content_type, size, sha256) for an acceptable scan, or raise ApplicationError in Chinese.

    Accepts PDF, PNG, JPEG and TIFF whose content matches their extension, up to the configured size.
    """
    name = upload.name or "附件"
    size = upload.size
    limit = max_upload_bytes()
    if size > limit:
        raise ApplicationError(
            f"附件“{name}”大小为 {size / 1024 / 1024:.1f} MB，超过上限 {limit // 1024 // 1024} MB。", field="attachments"
        )
    if size == 0:
        raise ApplicationError(f"附件“{name}”是空文件。", field="attachments")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = os.path.splitext(name)[1].lower()
    for magic, content_type, extensions in SIGNATURES:
        if head.startswith(magic):
            if extension not in extensions:
                raise ApplicationError(f"附件“{name}”的扩展名与文件内容（{content_type}）不符。", field="attachments")
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            return content_type, size, digest.hexdigest()
    raise ApplicationError(
        f"附件“{name}”不是可接受的文件类型：只能上传 PDF 或图片（PNG、JPEG、TIFF）格式的扫描件。", field="attachments"
    )
