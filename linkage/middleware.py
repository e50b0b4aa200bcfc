"""Pages whose work was stopped at its bound answer 503 with a Chinese page (the API answers through
linkage.api.exception_handler)."""

from django.shortcuts import render

from .errors import WorkRefused


class BoundedWorkMiddleware:
    """Turn ``WorkRefused`` raised by a page (a PDF past LINKAGE_PDF_TIMEOUT) into ``service_refused.html``, 503.
    The code that stopped the work has logged why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, WorkRefused):
            return None
        response = render(request, "service_refused.html", {"message": exception.message}, status=exception.status_code)
        response["Retry-After"] = "60"
        return response
