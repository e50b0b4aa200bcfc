"""PDF rendering shared by every app: a Django template rendered by WeasyPrint into bytes, in a render process
bounded in time (``linkage.pdf_process``).

Templates extend ``pdf/base_pdf.html``, which holds the print CSS (A4, margins, page numbers) and the
CJK font stacks. Resources are read from the filesystem only: ``{% static %}`` URLs resolve through the
staticfiles finders (or STATIC_ROOT), relative URLs against the project's static directory, ``file://``
URLs inside a static location or MEDIA_ROOT are read directly, ``data:`` URLs are allowed, and anything
else (http, https, other files) is refused, so rendering never waits on the network and a template
cannot pull arbitrary files (.env, the database) into a document.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string

from linkage import pdf_process

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"


def render_pdf(template_name, context, *, request=None) -> bytes:
    """Render a Django template to PDF bytes.

    ``request`` only makes the context processors' values (``user`` …) available to the template;
    it is never used to fetch anything over HTTP. The layout runs in a render process, bounded by
    LINKAGE_PDF_TIMEOUT (``linkage.pdf_process``): past it, ``PdfTimeout`` (a 503).
    """
    html = render_to_string(template_name, context, request=request)
    return pdf_process.lay_out(html, base_url=_base_url())


def pdf_response(pdf_bytes, filename, *, as_attachment=True) -> HttpResponse:
    """An ``application/pdf`` response; ``filename`` may be Chinese (sent RFC 5987/6266 encoded)."""
    response = HttpResponse(pdf_bytes, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, as_attachment=as_attachment)
    response["Content-Length"] = str(len(pdf_bytes))
    # Exports carry names and telephone numbers: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def content_disposition(filename, *, as_attachment=True) -> str:
    """A Content-Disposition value with an ASCII fallback ``filename`` and the UTF-8 ``filename*``."""
    disposition = "attachment" if as_attachment else "inline"
    path = Path(filename)
    # Old clients read only `filename`: give them the ASCII part of the name, or a neutral one.
    stem = "".join(c for c in path.stem if c.isascii() and (c.isalnum() or c in "-_")).strip("-_") or "download"
    suffix = "".join(c for c in path.suffix if c.isascii() and (c.isalnum() or c == "."))
    return f"{disposition}; filename=\"{stem}{suffix}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _base_url():
    """Relative URLs in a PDF template resolve against the project's static directory."""
    dirs = [Path(entry[1] if isinstance(entry, (list, tuple)) else entry) for entry in settings.STATICFILES_DIRS]
    base = dirs[0] if dirs else Path(settings.BASE_DIR) / "static"
    return base.resolve().as_uri() + "/"


def _allowed_roots():
    """Directories a PDF may read from: every staticfiles location, STATIC_ROOT and MEDIA_ROOT (a stored seal
    or signature image); never the project directory itself, which holds .env and the SQLite file."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            if getattr(storage, "location", None):
                roots.append(Path(storage.location))
    for setting in ("STATIC_ROOT", "MEDIA_ROOT"):
        if getattr(settings, setting, None):
            roots.append(Path(getattr(settings, setting)))
    return [root.resolve() for root in roots]


def _static_file(path):
    """The filesystem path of a static asset named by its URL path (``/static/css/x.css``), or None."""
    prefix_path = urlsplit(settings.STATIC_URL or "/static/").path or "/static/"
    if not path.startswith(prefix_path):
        return None
    relative = path[len(prefix_path) :]
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_file() and candidate.is_relative_to(root):
            return candidate
    return None


def _file_result(path):
    mime_type, _ = mimetypes.guess_type(path.name)
    return {
        "string": path.read_bytes(),
        "mime_type": mime_type or "application/octet-stream",
        "redirected_url": path.as_uri(),
        "filename": path.name,
    }


def local_url_fetcher(url, timeout=10, ssl_context=None, http_headers=None):
    """WeasyPrint URL fetcher that reads static and project files from disk and refuses the network."""
    from weasyprint import default_url_fetcher

    parts = urlsplit(url)
    if parts.scheme == "data":
        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    static_url = settings.STATIC_URL or ""
    if parts.scheme in ("http", "https") and static_url and url.startswith(static_url) and "://" in static_url:
        # A CDN-style absolute STATIC_URL: the same file exists locally.
        static = _static_file(urlsplit(static_url).path + url[len(static_url) :])
        if static is not None:
            return _file_result(static)
    if parts.scheme == "file":
        path = unquote(parts.path)
        static = _static_file(path)
        if static is not None:
            return _file_result(static)
        resolved = Path(path).resolve()
        if resolved.is_file() and any(resolved.is_relative_to(root) for root in _allowed_roots()):
            return _file_result(resolved)
    logger.warning("PDF rendering refused to fetch %s", url)
    raise ValueError(f"PDF rendering reads local files only, refused: {url}")
