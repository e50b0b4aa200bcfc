"""`/public/debtors/`: the public search page, for anyone, on a phone as on a desktop (the search itself is in
blacklist.public.search, the guards of the exact-number search in blacklist.public.guard)."""

from django.shortcuts import render

from . import captcha as public_captcha
from .guard import guarded_search, next_captcha
from .search import PROMPT, TOO_MANY_MESSAGE, rate_limited, retry_after

TEMPLATE = "blacklist/public_search.html"


def _captcha_context(key):
    return {"captcha_key": key, "captcha_url": public_captcha.image_url(key)} if key else {}


def public_search_page(request):
    name = request.GET.get("name", "").strip()
    identifier = request.GET.get("id_number", "").strip()
    context = {"name": name, "id_number": identifier, "result": None, "message": "", "limit": 20}
    if not name and not identifier:
        context["message"] = PROMPT
        context.update(_captcha_context(next_captcha(request)))
        return render(request, TEMPLATE, context)
    if rate_limited(request):
        context["message"] = TOO_MANY_MESSAGE
        response = render(request, TEMPLATE, context, status=429)
        response["Retry-After"] = retry_after()
        return response
    answer = guarded_search(request, name=name, identifier=identifier, captcha_key=request.GET.get("captcha_key", ""),
                            captcha_answer=request.GET.get("captcha", ""))
    # The form's next exact-number search may need a captcha: the one the refusal made, or a new one.
    context.update(_captcha_context(answer.captcha_key or (next_captcha(request) if answer.status == 200 else None)))
    if answer.result is None:
        context["message"] = answer.message
        response = render(request, TEMPLATE, context, status=answer.status)
        if answer.retry_after:
            response["Retry-After"] = answer.retry_after
        return response
    context.update(result=answer.result, message=answer.result.message)
    return render(request, TEMPLATE, context)
