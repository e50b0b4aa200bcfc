"""`/public/credit/`: the public credit-repair page, for anyone, on a phone as on a desktop. A party of a case proves
who it is with the case number, its identity number (or credit code) and a phone number, with the app's captcha
(`blacklist.public.credit_access`); every way that fails gets the one refusal `credit_access.REFUSAL` and changes
nothing. A verified party (remembered in the session) sees its listings in that case with their state, applies for
credit repair of a live one, follows its applications and downloads the 信用修复证明 of a granted one."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from redis.exceptions import RedisError

from linkage.forms import run_service
from linkage.pdf import pdf_response

from ..models import LIVE, Listing, ListingState, RepairState
from ..public import captcha as public_captcha
from ..public import credit_access
from ..public.search import TOO_MANY_MESSAGE, rate_limited, retry_after
from . import documents, selectors, services
from .forms import RepairApplicationForm

CHECK_TEMPLATE = "blacklist/public_credit.html"
PARTY_TEMPLATE = "blacklist/public_credit_party.html"
CAPTCHA_DOWN = "验证码暂不可用，请稍后再试。"
NEVER_LISTED = (ListingState.PROPOSED, ListingState.WITHDRAWN)
_PHONE_KEY = "credit_repair_phone"  # the phone typed at the check, offered again on the application form


def _check_page(request, *, message="", status=200, values=None):
    context = {"message": message, "values": values or {}}
    try:
        key = public_captcha.new_challenge()
        context.update(captcha_key=key, captcha_url=public_captcha.image_url(key))
    except RedisError:
        context["message"] = message or CAPTCHA_DOWN
        status = 503
    return render(request, CHECK_TEMPLATE, context, status=status)


def public_credit(request):
    """GET: the check form. POST: the check; the verified party is sent to its page, anybody else is refused."""
    if request.method != "POST":
        return _check_page(request)
    values = {"case_number": request.POST.get("case_number", "").strip()[:80]}
    if rate_limited(request):
        response = _check_page(request, message=TOO_MANY_MESSAGE, status=429, values=values)
        response["Retry-After"] = retry_after()
        return response
    # The phone is checked before the party, so its message says nothing of the case or the identity.
    phone = credit_access.clean_phone(request.POST.get("phone"))
    if phone is None:
        return _check_page(request, message=credit_access.PHONE_REFUSAL, status=400, values=values)
    try:
        party = credit_access.verify(
            request, case_number=request.POST.get("case_number", ""), identity=request.POST.get("identity", ""),
            captcha_key=request.POST.get("captcha_key", ""), captcha_answer=request.POST.get("captcha", ""))
    except RedisError:
        return _check_page(request, message=CAPTCHA_DOWN, status=503, values=values)
    if party is None:
        return _check_page(request, message=credit_access.REFUSAL, status=400, values=values)
    request.session[_PHONE_KEY] = phone
    return redirect("blacklist:public-credit-party", party_id=party.pk)


def _party_or_none(request, party_id):
    return credit_access.verified_party(request, party_id)


def _party_page(request, party, *, forms=None, status=200):
    forms = forms or {}
    # A proposal not yet approved (or withdrawn) was never the debtor's listing: only what was decided is shown.
    listings = list(Listing.objects.filter(debtor=party).exclude(state__in=NEVER_LISTED)
                    .order_by("-decided_on", "-id"))
    repairs = list(selectors.repairs_of_party(party))
    pending = {repair.listing_id for repair in repairs if repair.state == RepairState.PENDING}
    phone = request.session.get(_PHONE_KEY, "")
    rows = []
    for listing in listings:
        may_apply = listing.state in LIVE and listing.pk not in pending
        form = forms.get(listing.pk) or (RepairApplicationForm(prefix=f"apply{listing.pk}", initial={"phone": phone})
                                         if may_apply else None)
        rows.append((listing, form))
    return render(request, PARTY_TEMPLATE, {"party": party, "rows": rows, "repairs": repairs}, status=status)


def public_credit_party(request, party_id):
    party = _party_or_none(request, party_id)
    if party is None:
        return redirect("blacklist:public-credit")
    return _party_page(request, party)


@require_POST
def public_credit_apply(request, party_id, listing_id):
    party = _party_or_none(request, party_id)
    if party is None:
        return redirect("blacklist:public-credit")
    listing = Listing.objects.filter(debtor=party, pk=listing_id).first()
    if listing is None:
        raise Http404
    form = RepairApplicationForm(request.POST, prefix=f"apply{listing.pk}")
    if form.is_valid():
        created = run_service(form, services.apply_online, party=party, listing=listing, **form.cleaned_data)
        if created is not None:
            messages.success(request, "信用修复申请已提交，法院将在规定期限内作出决定，请留意本页的办理结果。")
            return redirect("blacklist:public-credit-party", party_id=party.pk)
    return _party_page(request, party, forms={listing.pk: form}, status=400)


def public_credit_certificate(request, party_id, repair_id):
    party = _party_or_none(request, party_id)
    if party is None:
        raise Http404
    repair = selectors.repairs_of_party(party).select_related("listing__court", "listing__debtor").filter(
        pk=repair_id, state=RepairState.GRANTED).first()
    if repair is None:
        raise Http404
    return pdf_response(documents.certificate_pdf(repair), documents.certificate_filename(repair))
