"""What the assistance services tell the units' systems at once (members/webhooks.py): the notice served, the
lifting notice signed, an extension decided. One call per producer; the data is the object's id, its API URL and
what a robot needs to route it (the measure's code)."""

from django.utils import timezone

from members.webhooks import api_url, emit


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def _notice_data(notice):
    return {"id": notice.pk, "url": api_url(f"/api/v1/notices/{notice.pk}/"), "measure": notice.measure.code,
            "state": notice.state, "due_at": _iso(notice.due_at)}


def notice_served(notice):
    emit("notice.served", organisation_ids=[notice.unit_id], data=_notice_data(notice), occurred_at=notice.served_at)


def lifting_signed(notice):
    emit("notice.lifting_signed", organisation_ids=[notice.unit_id],
         data={**_notice_data(notice), "lift_due_at": _iso(notice.lift_due_at)}, occurred_at=notice.lifted_at)


def extension_decided(request):
    notice = request.notice
    emit("extension.decided", organisation_ids=[notice.unit_id], occurred_at=request.decided_at,
         data={"id": request.pk, "notice": notice.pk, "url": api_url(f"/api/v1/notices/{notice.pk}/"),
               "granted": request.state == "granted", "days": request.days, "due_at": _iso(notice.due_at)})
