from django.db.models import Count, Q

from linkage.audit import AuditedQuerySet


class JurisdictionQuerySet(AuditedQuerySet):
    def live(self):
        """Jurisdictions that run the mechanism (courts, committee, units), not reference catalogues."""
        return self.filter(is_reference=False)

    def references(self):
        return self.filter(is_reference=True)


class OrganisationQuerySet(AuditedQuerySet):
    def active(self):
        return self.filter(active=True)

    def live(self):
        """Organisations of running jurisdictions: not the templates of a reference catalogue."""
        return self.filter(jurisdiction__is_reference=False)

    def member_units(self):
        """Units that receive assistance notices: everything but courts and the committee."""
        return self.exclude(kind__in=["court", "committee"])

    def courts(self):
        return self.filter(kind="court")

    def with_current_contact_counts(self):
        return self.annotate(
            current_a=Count("contacts", filter=Q(contacts__role="A", contacts__ended_on__isnull=True)),
            current_b=Count("contacts", filter=Q(contacts__role="B", contacts__ended_on__isnull=True)),
        )

    def incomplete(self):
        """Units missing a current A or a current B contact."""
        return self.with_current_contact_counts().filter(Q(current_a=0) | Q(current_b=0))


class ContactQuerySet(AuditedQuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)

    def on(self, day):
        """Contacts who held their role on a given day."""
        return self.filter(started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
