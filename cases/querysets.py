
from linkage.audit import AuditedQuerySet
from members.selectors import jurisdiction_id_of


class CaseQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """Court staff see their own court's cases; the committee its own jurisdiction's courts' cases (read-only);
        nobody else any."""
        if user.is_court_staff:
            return self.filter(court_id=user.organisation_id)
        if user.is_committee:
            return self.filter(court__jurisdiction_id=jurisdiction_id_of(user))
        return self.none()

    def editable_by(self, user):
        if user.is_court_staff:
            return self.filter(court_id=user.organisation_id)
        return self.none()


class PartyQuerySet(AuditedQuerySet):
    def debtors(self):
        return self.filter(role="debtor")

    def applicants(self):
        return self.filter(role="applicant")
