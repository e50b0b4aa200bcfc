"""PDF layout in a separate process, bounded in wall-clock time (``LINKAGE_PDF_TIMEOUT``, 30 s by default).

WeasyPrint lays a document out in pure Python and cannot be interrupted from another thread: a document that takes
minutes (thousands of items, a pathological table) would hold a web worker for minutes. So the web process renders
the template to HTML itself and hands the HTML to a render process over a pipe; when the answer has not come within
the bound, the render process is killed, the failure is logged, and ``PdfTimeout`` (a 503 with a Chinese message)
frees the worker.

A render process is warm and long-lived: starting one costs Django's setup and WeasyPrint's import (measured here:
about 1.5 s and 1.3 s, then 1.1 s for the first document and 0.55 s for each later one), far more than a document
takes, so each web process keeps its idle render processes (one per thread that rendered at the same time, at most
``IDLE_LIMIT``) and starts a new one only when none is idle or one was killed. A process forked from a web process
never uses its parent's render processes (the pipes belong to the parent).

The protocol, one request at a time on the render process's stdin and stdout: a frame is a 4-byte big-endian
length and a pickle. A request is ``{"html", "base_url", "settings"}`` (``settings``: the web process's values
of the settings the URL fetcher reads, so both sides resolve files alike); an answer ``{"pdf": bytes}`` or
``{"error": text}``. Both ends are this module: nothing else writes to these pipes.
"""

import logging
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

from linkage.errors import WorkRefused

logger = logging.getLogger(__name__)

IDLE_LIMIT = 4
# The settings linkage.pdf.local_url_fetcher and the static finders read.
FETCH_SETTINGS = ("STATIC_URL", "STATIC_ROOT", "STATICFILES_DIRS", "MEDIA_ROOT")
_HEADER = struct.Struct(">I")


class PdfTimeout(WorkRefused):
    """The document took longer than LINKAGE_PDF_TIMEOUT to lay out; its render process was killed."""


class PdfRenderError(RuntimeError):
    """WeasyPrint failed inside the render process (a bug, as it would have been in the web process: a 500)."""


def lay_out(html, *, base_url) -> bytes:
    """The PDF of ``html`` (a rendered template), laid out by a render process within LINKAGE_PDF_TIMEOUT
    seconds; raises PdfTimeout past it. Nothing of the web process waits longer than the bound."""
    timeout = float(settings.LINKAGE_PDF_TIMEOUT)
    deadline = time.monotonic() + timeout
    request = {"html": html, "base_url": base_url, "settings": {name: _setting(name) for name in FETCH_SETTINGS}}
    worker = _pool.acquire(deadline)
    try:
        answer = worker.ask(request, deadline)
    except TimeoutError:
        worker.kill()
        _pool.replace()
        logger.error(
            "PDF rendering exceeded LINKAGE_PDF_TIMEOUT (%.1f s, %d characters of HTML): render process %s killed",
            timeout,
            len(html),
            worker.pid,
        )
        raise PdfTimeout(f"文书生成超过 {timeout:g} 秒未完成，已停止。请稍后重试；如反复出现，请联系管理员。") from None
    except BaseException:
        worker.kill()
        raise
    _pool.release(worker)
    if "error" in answer:
        raise PdfRenderError(answer["error"])
    return answer["pdf"]


def _setting(name):
    value = getattr(settings, name, None)
    if isinstance(value, (list, tuple)):
        return [list(item) if isinstance(item, (list, tuple)) else str(item) for item in value]
    return None if value is None else str(value)


# ------------------------------------------------------------------------------------- the web process's side


class _RenderProcess:
    def __init__(self):
        base_dir = Path(settings.BASE_DIR)
        # The module the web process was configured from (overridden settings have no SETTINGS_MODULE of their own).
        module = os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": module}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(base_dir), env.get("PYTHONPATH", "")]))
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "linkage.pdf_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=base_dir,
            env=env,
            close_fds=True,
        )
        self.pid = self.process.pid

    def alive(self):
        return self.process.poll() is None

    def ask(self, request, deadline):
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(self.process.stdin.fileno(), _HEADER.pack(len(payload)) + payload, deadline)
        (length,) = _HEADER.unpack(_read_exactly(self.process.stdout.fileno(), _HEADER.size, deadline))
        return pickle.loads(_read_exactly(self.process.stdout.fileno(), length, deadline))  # noqa: S301 - our child

    def kill(self):
        if self.alive():
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _wait(fd, deadline, *, write):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    ready = select.select([], [fd], [], remaining) if write else select.select([fd], [], [], remaining)
    if not any(ready):
        raise TimeoutError


def _write_all(fd, data, deadline):
    view = memoryview(data)
    os.set_blocking(fd, False)
    while view:
        _wait(fd, deadline, write=True)
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            continue
        view = view[written:]


def _read_exactly(fd, size, deadline):
    chunks, missing = [], size
    while missing:
        _wait(fd, deadline, write=False)
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise PdfRenderError("the render process exited without answering")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


class _Pool:
    """The idle render processes of this web process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.idle = []
        self.owner = os.getpid()

    def acquire(self, deadline):
        with self.lock:
            if self.owner != os.getpid():  # forked: the idle processes and their pipes are the parent's
                self.idle, self.owner = [], os.getpid()
            while self.idle:
                worker = self.idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _RenderProcess()

    def release(self, worker):
        with self.lock:
            if self.owner == os.getpid() and len(self.idle) < IDLE_LIMIT and worker.alive():
                self.idle.append(worker)
                return
        worker.kill()

    def replace(self):
        """Start a render process in place of one killed: it sets itself up while this worker answers, so the next
        document does not wait for Django and WeasyPrint to load."""
        if len(self.idle) < IDLE_LIMIT:
            self.release(_RenderProcess())

    def close(self):
        """End every idle render process (tests; a web process's own end closes their pipes, and they exit)."""
        with self.lock:
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.kill()


_pool = _Pool()


# ------------------------------------------------------------------------------------- the render process's side


def _serve(requests, answers):
    """Answer requests until the web process closes the pipe."""
    import django

    django.setup()
    from django.test.utils import override_settings
    from weasyprint import HTML

    from linkage.pdf import local_url_fetcher

    # Load fontconfig's cache and a CJK face now rather than in the first document (about half a second).
    HTML(string='<p style="font-family: serif">预热</p>').write_pdf()
    while True:
        header = requests.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        (length,) = _HEADER.unpack(header)
        request = pickle.loads(requests.read(length))  # noqa: S301 - written by our parent
        changed = {name: value for name, value in request["settings"].items() if _setting(name) != value}
        try:
            with override_settings(**changed):
                document = HTML(string=request["html"], base_url=request["base_url"], url_fetcher=local_url_fetcher)
                answer = {"pdf": document.write_pdf()}
        except Exception as error:  # the web process raises it; this process serves the next request
            logger.exception("PDF rendering failed")
            answer = {"error": f"{type(error).__name__}: {error}"}
        payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(_HEADER.pack(len(payload)) + payload)
        answers.flush()


def main():
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C stops the web process; the closed pipe, us
    # The answers go to a private copy of stdout; anything printed (a library's warning) goes to stderr instead
    # of into the protocol.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
