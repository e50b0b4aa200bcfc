"""`/api/v1/units/`: the roster for member units' systems. Everybody logged in reads; administrators write."""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from linkage.api import FilterSet, StrictBooleanFilter

from . import services
from .models import Contact, Jurisdiction, Measure, Organisation, OrganisationKind, OrganisationLevel


class ContactSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Contact
        fields = ["role", "role_display", "name", "position", "landline", "mobile", "email", "started_on"]


class UnitSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.live())
    reference = serializers.BooleanField(
        source="jurisdiction.is_reference", read_only=True,
        help_text="参考目录中的部门条目（如法发〔2010〕15号），供复制职责，不是成员单位",
    )
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    level = serializers.ChoiceField(choices=OrganisationLevel.choices)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    measures = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Measure.objects.all(), required=False
    )
    contacts = ContactSerializer(source="current_contacts", many=True, read_only=True)
    complete = serializers.SerializerMethodField(help_text="是否已登记现任A角和B角联系人")

    class Meta:
        model = Organisation
        fields = [
            "id", "code", "name", "short_name", "jurisdiction", "kind", "kind_display", "level", "level_display",
            "active", "duties", "duties_source", "measures", "contacts", "complete", "sort_order", "reference",
        ]
        read_only_fields = ["active"]

    def get_complete(self, organisation) -> bool:
        roles = {contact.role for contact in getattr(organisation, "current_contacts", [])}
        return {"A", "B"} <= roles

    def validate_code(self, value):
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError("单位代码是稳定标识，创建后不能修改。")
        return value


class UnitFilter(FilterSet):
    reference = StrictBooleanFilter(method="filter_reference", help_text="true：只列参考目录（如 national）的部门条目")

    class Meta:
        model = Organisation
        fields = ["kind", "active", "jurisdiction__code", "code"]

    def filter_reference(self, queryset, name, value):
        return queryset.filter(jurisdiction__is_reference=value)


class IsAdministratorOrReadOnly(BasePermission):
    message = "只有系统管理员可以维护成员单位名册。"

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_administrator


@extend_schema_view(
    list=extend_schema(
        summary="成员单位列表",
        description="所有登录用户可读；可按 kind、active、jurisdiction__code、code 过滤。参考目录（如 national）的部门条目"
                    "不是成员单位，只在 reference=true 时列出。",
    ),
    retrieve=extend_schema(summary="成员单位详情"),
    create=extend_schema(summary="新增成员单位（管理员）"),
    partial_update=extend_schema(summary="修改成员单位（管理员）"),
    update=extend_schema(summary="修改成员单位（管理员）"),
)
class UnitViewSet(viewsets.ModelViewSet):
    serializer_class = UnitSerializer
    permission_classes = [IsAuthenticated, IsAdministratorOrReadOnly]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    filterset_class = UnitFilter

    def get_queryset(self):
        # A reference catalogue's templates are not units: listed only when asked for (`UnitFilter.reference`), and
        # then only they. A unit's own URL (retrieve, update) finds it either way.
        organisations = Organisation.objects.all()
        if self.action == "list" and "reference" not in self.request.query_params:
            organisations = organisations.filter(jurisdiction__is_reference=False)
        return (
            organisations.select_related("jurisdiction")
            .prefetch_related(
                "measures",
                Prefetch("contacts", queryset=Contact.objects.current().order_by("role"), to_attr="current_contacts"),
            )
            .order_by("jurisdiction__code", "sort_order", "id")
        )

    @transaction.atomic
    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_organisation(actor=self.request.user, **data)
        serializer.instance.current_contacts = []

    @transaction.atomic
    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("jurisdiction", None)
        data.pop("code", None)
        measures = data.pop("measures", None)
        organisation = services.update_organisation(
            actor=self.request.user, organisation=serializer.instance, measures=measures, **data
        )
        organisation.current_contacts = list(organisation.contacts.current().order_by("role"))
        serializer.instance = organisation
