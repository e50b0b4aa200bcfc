"""The fast read path of serializers (linkage.api.FastRepresentationMixin) answers exactly what DRF's own path does.

Every API route that answers a GET with 200 to some role in the permission matrix's world is read by that role twice,
once on the fast path and once with it switched off, and the two bodies must be equal, byte for byte once parsed.
Every serializer that uses the mixin must have been rendered on the fast path somewhere in that walk: one whose plan
gives up (a field it cannot reproduce) or that no route shows would otherwise pass unnoticed.
"""

import pytest
import time_machine
from django.utils import timezone
from rest_framework import serializers

from assistance import services as notice_services
from assistance.models import Notice
from linkage.api import FastRepresentationMixin
from tests.permission_world import INQUIRY_ITEMS, build_world
from tests.test_permission_matrix import TABLE, Clients, _LaidOutPdf, all_routes, fill, resolve_value


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@pytest.fixture
def world(db, settings, monkeypatch):
    settings.PUBLIC_SEARCH_RATE_PER_MINUTE = 1_000_000
    monkeypatch.setattr("linkage.pdf_process.lay_out", _LaidOutPdf.lay_out)
    return build_world()


def _replied_with_results(world):
    """One more notice, answered with a structured result (the world's replies report "not found")."""
    _, (notice,) = notice_services.draft_notices(
        actor=world.clerk1, case=world.case, units=[world.unit_x], measure="inquiry", debtor=world.debtors[0],
        items=INQUIRY_ITEMS, ruling_number=world.case.number)
    notice_services.sign_notice(actor=world.leader1, notice=notice)
    notice_services.serve_notice(actor=world.clerk1, notice=notice)
    notice_services.acknowledge_notice(actor=world.liaison_xa, notice=notice)
    notice_services.reply_to_notice(
        actor=world.liaison_xa, notice=notice, outcome="done", text="已查询",
        results=[{"property_kind": "bank_account", "identifier": "6222000011112222", "institution": "工商银行",
                  "value": "35000.50"}])


def test_fast_and_drf_paths_answer_the_same_on_every_api_read(world, monkeypatch):
    rendered = set()
    fast_render = FastRepresentationMixin._fast_render

    def recording(self, plan, instance):
        rendered.add(type(self))
        return fast_render(self, plan, instance)

    monkeypatch.setattr(FastRepresentationMixin, "_fast_render", recording)
    clients = Clients(world)
    routes = all_routes()
    reads = []  # (what, role, URL)
    for key, path in routes.items():
        row = TABLE.get(key)
        if not path.startswith("api/") or row is None or not row.get:
            continue
        url = fill(path, {name: resolve_value(world, spec) for name, spec in row.kwargs.items()})
        query = row.query(world) if callable(row.query) else row.query
        target = f"{url}?{query}" if query else url
        reads += [(key, role, target) for role, expected in row.get.items() if expected == 200]
    _replied_with_results(world)
    # Every notice of the world in detail, as its court and as its unit: replies, results, attachments, extension
    # requests and review suggestions are on some of them, not on the one the matrix's row names.
    for notice in Notice.objects.all():
        reads += [(f"notice {notice.pk} ({notice.state})", role, f"/api/v1/notices/{notice.pk}/")
                  for role in ("clerk1", "liaison_xa")]
    compared, differences = 0, []
    for key, role, target in reads:
        with time_machine.travel(timezone.now(), tick=False):  # answers that state "as of now" agree
            monkeypatch.setattr(FastRepresentationMixin, "fast_representation", True)
            fast = clients.call(role, "get", target)[2]
            monkeypatch.setattr(FastRepresentationMixin, "fast_representation", False)
            generic = clients.call(role, "get", target)[2]
        if not fast.get("Content-Type", "").startswith("application/json"):
            continue
        compared += 1
        if fast.status_code != generic.status_code or fast.json() != generic.json():
            differences.append(f"{key} as {role}:\n  fast    {fast.content[:400]!r}\n  generic {generic.content[:400]!r}")
    assert compared > 50, f"only {compared} JSON answers compared: the walk lost its routes"
    assert not differences, "\n".join(differences)

    users = {cls for cls in _subclasses(FastRepresentationMixin) if issubclass(cls, serializers.BaseSerializer)}
    gave_up = sorted(cls.__qualname__ for cls in users if cls.__dict__.get("_fast_plan") is False)
    unseen = sorted(cls.__qualname__ for cls in users - rendered)
    assert not gave_up, f"serializers whose plan falls back to DRF's path on every object: {gave_up}"
    assert not unseen, f"serializers with the mixin that no API read rendered on the fast path: {unseen}"


def test_a_missing_attribute_falls_back_to_drf_rules(db):
    """A read-only field whose source is None part-way along its path is left out by DRF (SkipField), not given as
    null: the fast path hands such an object to DRF's path instead of guessing."""

    class Inner:
        name = "甲"

    class Outer:
        inner = None

    class Sketch(FastRepresentationMixin, serializers.Serializer):
        inner_name = serializers.CharField(source="inner.name", read_only=True)

    assert Sketch(Outer()).data == {}
    present = Outer()
    present.inner = Inner()
    assert Sketch(present).data == {"inner_name": "甲"}
