"""linkage.prepared: a queryset compiled once with stand-ins gives, run with real values, what the queryset built with
those values gives; a stand-in the ORM would transform is refused when the query is prepared, not answered wrongly."""

import decimal

import pytest

from linkage.prepared import PreparedQuery, Sentinels
from members.models import User
from tests import factories


def _fields(user):
    organisation = user.organisation
    return (user.pk, user.username, user.full_name, organisation.pk, organisation.code, organisation.name)


@pytest.fixture
def people(db):
    courts = [factories.CourtFactory(), factories.CourtFactory()]
    for court in courts:
        factories.ClerkFactory.create_batch(2, organisation=court)
    factories.LiaisonFactory(organisation=factories.OrganisationFactory(jurisdiction=courts[0].jurisdiction))
    return courts


def _users(organisation, kind):
    return (User.objects.filter(organisation_id=organisation, organisation__kind=kind)
            .select_related("organisation").only("username", "full_name", "organisation__code",
                                                  "organisation__name").order_by("-id"))


def test_prepared_rows_are_the_querysets_own_for_each_value(people):
    sentinels = Sentinels()
    prepared = PreparedQuery(_users(sentinels.int("organisation"), sentinels.str("kind")), sentinels)
    for court in people:
        expected = [_fields(user) for user in _users(court.pk, court.kind)]
        got = prepared.instances({"organisation": court.pk, "kind": court.kind})
        assert [_fields(user) for user in got] == expected and len(expected) == 2
        # Deferred fields stay deferred, as on the queryset's own instances.
        assert got[0].get_deferred_fields() == next(iter(_users(court.pk, court.kind))).get_deferred_fields()
    assert prepared.instances({"organisation": people[0].pk, "kind": "police"}) == []


def test_values_the_orm_prepares_are_prepared_the_same_way(people):
    """A Decimal id is made an int by the ORM (5.7 → 5): the prepared query does the same, not `id = 5.7`."""
    court = people[0]
    sentinels = Sentinels()
    prepared = PreparedQuery(
        User.objects.filter(organisation_id=sentinels.like("organisation", decimal.Decimal(1))).values("pk"), sentinels)
    value = decimal.Decimal(court.pk) + decimal.Decimal("0.7")
    orm = sorted(User.objects.filter(organisation_id=value).values_list("pk", flat=True))
    assert sorted(row[0] for row in prepared.execute({"organisation": value})) == orm and len(orm) == 2


def test_a_transformed_stand_in_is_refused(db):
    """A stand-in that comes back as part of another value cannot take the request's value: refused at once."""
    sentinels = Sentinels()
    with pytest.raises(ValueError, match="transformed"):
        PreparedQuery(User.objects.filter(full_name=sentinels.str("name") + "先生"), sentinels)


def test_like_slots_escape_the_value_as_the_orm_does(people):
    """startswith/contains/endswith wrap the stand-in in '%': the request's value is escaped (%, _ and \\ are
    characters, not wildcards) and wrapped the same way."""
    for number, name in enumerate(["王%五", "王_五", "王\\五", "王五", "李王五"]):
        factories.ClerkFactory(organisation=people[0], full_name=name, username=f"like{number}")
    for lookup in ("startswith", "contains", "endswith", "istartswith"):
        sentinels = Sentinels()
        prepared = PreparedQuery(
            User.objects.filter(**{f"full_name__{lookup}": sentinels.str("name")}).order_by("id").values("pk"),
            sentinels)
        for value in ("王%", "王_", "王\\", "%", "_", "五", "王"):
            orm = list(User.objects.filter(**{f"full_name__{lookup}": value}).order_by("id").values_list("pk",
                                                                                                     flat=True))
            assert [row[0] for row in prepared.rows({"name": value})] == orm, (lookup, value)


def test_a_slot_the_query_does_not_use_is_no_harm(people):
    sentinels = Sentinels()
    sentinels.int("organisation")  # e.g. the unit of a role that sees every unit
    prepared = PreparedQuery(User.objects.filter(is_active=True).order_by("id").values("pk"), sentinels)
    rows = prepared.execute({"organisation": 123})
    assert [row[0] for row in rows] == list(User.objects.filter(is_active=True).order_by("id").values_list("pk",
                                                                                                           flat=True))
