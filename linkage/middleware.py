"""Pages whose work was stopped at its bound answer 503 with a Chinese page, and a create that lost a race to a
unique constraint answers 409 (the API answers both through linkage.api.exception_handler)."""

from django.db import IntegrityError
from django.shortcuts import render

from .errors import WorkRefused, duplicate_message


class BoundedWorkMiddleware:
    """Turn ``WorkRefused`` raised by a page (a PDF past LINKAGE_PDF_TIMEOUT) into ``service_refused.html``, 503
    (the code that stopped the work has logged why), and a unique violation into the same page, 409."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, IntegrityError) and (message := duplicate_message(exception)):
            return render(request, "service_refused.html", {"message": message, "title": "提交冲突"}, status=409)
        if not isinstance(exception, WorkRefused):
            return None
        response = render(request, "service_refused.html", {"message": exception.message}, status=exception.status_code)
        response["Retry-After"] = "60"
        return response
