"""Pushed events written before events kept a snapshot get one now: the listing's published fields as they are at
this migration (the state: the event's own `to_state`), marked `published_fields_backfilled`, since a correction
made after such an event is already in them. Self-contained: the field list is frozen here as it was."""

import decimal

from django.db import migrations

FIELDS = ["name", "id_number", "credit_code", "identifier", "legal_representative", "sex", "age", "obligation",
          "performed_amount", "unperformed_amount", "basis_issuer", "basis_number", "case_number", "filed_on",
          "court_name", "decided_on", "facts", "published_on", "ends_on"]
GROUNDS = {1: "有履行能力而拒不履行生效法律文书确定义务", 2: "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
           3: "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行", 4: "违反财产报告制度", 5: "违反限制消费令",
           6: "无正当理由拒不履行执行和解协议"}
STATES = {"proposed": "待审批", "published": "已发布", "shielded": "已屏蔽", "deleted": "已删除", "revoked": "已撤销",
          "expired": "已到期", "withdrawn": "已撤回"}


def _json(value):
    if isinstance(value, decimal.Decimal):
        return str(value.quantize(decimal.Decimal("0.01")))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(listing, state):
    fields = {name: _json(getattr(listing, name)) for name in FIELDS if name != "identifier"}
    fields["identifier"] = listing.id_number or listing.credit_code
    return {"id": listing.pk, **{name: fields[name] for name in FIELDS}, "ground": listing.ground,
            "ground_display": GROUNDS.get(listing.ground, ""), "period_years": listing.period_years,
            "state": state, "state_display": STATES.get(state, state)}


def backfill(apps, schema_editor):
    ListingEvent = apps.get_model("blacklist", "ListingEvent")
    batch = []
    for event in (ListingEvent.objects.filter(pushed=True, published_fields__isnull=True)
                  .select_related("listing").order_by("id").iterator(chunk_size=500)):
        event.published_fields = snapshot(event.listing, event.to_state or event.listing.state)
        event.published_fields_backfilled = True
        batch.append(event)
        if len(batch) >= 500:
            ListingEvent.objects.bulk_update(batch, ["published_fields", "published_fields_backfilled"])
            batch = []
    if batch:
        ListingEvent.objects.bulk_update(batch, ["published_fields", "published_fields_backfilled"])


class Migration(migrations.Migration):

    dependencies = [
        ("blacklist", "0011_feed_published_fields"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
