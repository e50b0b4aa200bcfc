"""The judicial credit report's sections as the schema documents them (`content.build_report` makes them): typed so a
generated client reads dates as dates and names every field. The stored report is passed through unchanged; these
serializers only describe it (`ReportSection`)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _day(**kwargs):
    return serializers.DateField(allow_null=True, **kwargs)


def _money(**kwargs):
    return serializers.CharField(allow_null=True, help_text="元，两位小数的字符串", **kwargs)


class ReportPartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(help_text="applicant 或 debtor")
    role_display = serializers.CharField()
    kind = serializers.CharField(help_text="person 或 organisation")
    kind_display = serializers.CharField()
    identifier_label = serializers.CharField()
    identifier = serializers.CharField()
    legal_representative = serializers.CharField(allow_blank=True)


class ReportCaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    court = serializers.CharField()
    filed_on = serializers.DateField()
    basis = serializers.CharField()
    basis_issuer = serializers.CharField()
    basis_number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()


class ReportPerformanceSerializer(serializers.Serializer):
    amount = _money()
    performed = _money()
    unperformed = _money()


class ReportEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_display = serializers.CharField()
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


class ReportListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ground = serializers.IntegerField(help_text="纳入情形 1-6")
    ground_display = serializers.CharField()
    period_years = serializers.IntegerField(allow_null=True)
    decided_on = _day()
    published_on = _day()
    ends_on = _day()
    ended_on = _day()
    state = serializers.CharField()
    state_display = serializers.CharField()
    deletion_ground = serializers.CharField(allow_blank=True)
    deletion_ground_display = serializers.CharField(allow_blank=True)
    performed = _money()
    unperformed = _money()
    history = ReportEventSerializer(many=True)


class ReportRestrictionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    issued_on = _day()
    state = serializers.CharField()
    state_display = serializers.CharField()
    lifted_on = _day()
    lift_reason = serializers.CharField(allow_blank=True)


class ReportInstalmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    due_on = _day()
    amount = _money()
    paid_on = _day()
    paid_amount = _money()


class ReportGraceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    promisor_display = serializers.CharField()
    promised_on = _day()
    starts_on = _day()
    ends_on = _day()
    state = serializers.CharField()
    state_display = serializers.CharField()
    ended_on = _day()
    promised_total = _money()
    paid_total = _money()
    instalments = ReportInstalmentSerializer(many=True)


class ReportRepairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ground = serializers.CharField()
    ground_display = serializers.CharField()
    received_on = _day()
    state = serializers.CharField()
    state_display = serializers.CharField()
    decided_on = _day()
    outcome = serializers.CharField(allow_blank=True)
    outcome_display = serializers.CharField(allow_blank=True)
    certificate_number = serializers.CharField(allow_blank=True)


class ReportFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_display = serializers.CharField()
    facts = serializers.CharField()
    ruling_number = serializers.CharField(allow_blank=True)
    ruled_on = _day()
    ruling_court = serializers.CharField(allow_blank=True)


def section(described_by, *, many=False, **kwargs):
    """A report section passed through as stored, documented by `described_by`."""

    @extend_schema_field(described_by(many=many))
    class ReportSection(serializers.ListField if many else serializers.DictField):
        pass

    return ReportSection(**kwargs)
