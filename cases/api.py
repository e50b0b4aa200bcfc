"""`/api/v1/cases/`: enforcement cases with their applicants and debtors.

Reads go through `Case.objects.visible_to(user)` (a clerk or leader sees its own court's cases, the committee its
jurisdiction's, read-only; anybody else none, so another court's case is a 404). Every write is a service of
`cases/services.py`; the serializers here only shape the input and the output.
"""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from linkage.api import NamedChoiceField, WriteRolePermission, validated
from linkage.errors import ApplicationError, PermissionDenied
from linkage.text import REASON_MAX, TEXT_MAX, ApiTextField

from . import services, special
from .models import Case, CaseStatus, Party, PartyKind, PartyRole
from .special_api import (
    SpecialAddresseeInputSerializer,
    SpecialNotificationRecordSerializer,
    SpecialNotificationSerializer,
    special_notifications_data,
)


class PartySerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(choices=PartyKind.choices, enum_name="PartyKindEnum", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    identifier = serializers.CharField(read_only=True, help_text="公民身份号码或统一社会信用代码")
    special_flags = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="特殊主体标记（中文名称）"
    )
    subdistrict = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text="户籍或住所地街道（乡镇）的单位代码，用于失信名单进社区公示"
    )
    subdistrict_name = serializers.CharField(source="subdistrict.name", read_only=True, default=None, allow_null=True)
    community = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text="户籍或住所地村（居）委会的代码（街道为其所属街道），用于失信名单进社区公示和网格员张贴",
    )
    community_name = serializers.CharField(source="community.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Party
        fields = [
            "id",
            "kind",
            "kind_display",
            "name",
            "id_number",
            "credit_code",
            "identifier",
            "legal_representative",
            "address",
            *services.PARTY_FLAGS,
            "special_flags",
            "subdistrict",
            "subdistrict_name",
            "community",
            "community_name",
        ]
        read_only_fields = fields


class PartyInputSerializer(serializers.Serializer):
    """One applicant or debtor as a client sends it. The identifier is checked by the service (check digit,
    birth date), whose message names the party."""

    kind = NamedChoiceField(label="类型", choices=PartyKind.choices, enum_name="PartyKindEnum")
    name = serializers.CharField(label="姓名或名称", max_length=100)
    id_number = serializers.CharField(
        label="公民身份号码",
        max_length=30,
        required=False,
        allow_blank=True,
        help_text="自然人必填；15位旧号码自动升位",
    )
    credit_code = serializers.CharField(
        label="统一社会信用代码", max_length=30, required=False, allow_blank=True, help_text="组织必填"
    )
    legal_representative = serializers.CharField(
        label="法定代表人或负责人", max_length=30, required=False, allow_blank=True, help_text="组织作为被执行人时必填"
    )
    address = serializers.CharField(label="住所地", max_length=200, required=False, allow_blank=True)
    is_deputy = serializers.BooleanField(label="人大代表", required=False, default=False)
    is_cppcc_member = serializers.BooleanField(label="政协委员", required=False, default=False)
    is_public_servant = serializers.BooleanField(label="国家工作人员或国有企业", required=False, default=False)
    is_party_government_organ = serializers.BooleanField(label="党政机关", required=False, default=False)
    subdistrict = serializers.CharField(
        label="户籍或住所地街道", max_length=50, required=False, allow_blank=True, allow_null=True,
        help_text="被执行人户籍或住所地街道（乡镇）的单位代码，须为本院辖区内的街道；用于失信名单进社区公示",
    )
    community = serializers.CharField(
        label="户籍或住所地村（居）委会", max_length=60, required=False, allow_blank=True, allow_null=True,
        help_text="被执行人户籍或住所地村（居）委会的代码，须为本院辖区内在册的村（居）委会；街道随之确定"
        "（同时填写的 subdistrict 须为其所属街道）",
    )
    special_addressees = SpecialAddresseeInputSerializer(
        many=True, required=False, label="特殊主体通报对象",
        help_text="被执行人（或其法定代表人）为人大代表、政协委员等时，立案即生成通报任务；此处指定通报对象，"
        "不指定的按本辖区名册默认",
    )


class PartySubdistrictSerializer(serializers.Serializer):
    subdistrict = serializers.CharField(
        label="户籍或住所地街道", max_length=50, allow_blank=True, allow_null=True, required=False,
        help_text="街道（乡镇）的单位代码，须为本院辖区内的街道；null 或空字符串表示清除（村（居）委会一并清除）；"
        "只填街道时，原村（居）委会属于该街道的保留",
    )
    community = serializers.CharField(
        label="户籍或住所地村（居）委会", max_length=60, allow_blank=True, allow_null=True, required=False,
        help_text="村（居）委会的代码，须为本院辖区内在册的村（居）委会，街道随之改为其所属街道；null 或空字符串表示"
        "清除村（居）委会（街道保留）",
    )
    is_deputy = serializers.BooleanField(label="人大代表", required=False)
    is_cppcc_member = serializers.BooleanField(label="政协委员", required=False)
    is_public_servant = serializers.BooleanField(label="国家工作人员或国有企业", required=False)
    is_party_government_organ = serializers.BooleanField(label="党政机关", required=False)


class CaseSerializer(serializers.ModelSerializer):
    court = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="执行法院的单位代码")
    court_name = serializers.CharField(source="court.name", read_only=True)
    applicants = serializers.SerializerMethodField()
    debtors = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unperformed_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "court",
            "court_name",
            "applicants",
            "debtors",
            "amount",
            "performed_amount",
            "unperformed_amount",
            "obligation",
            "basis_issuer",
            "basis_number",
            "filed_on",
            "status",
            "lifting_ruling_number",
            "status_display",
            "is_major",
            "officer_name",
            "officer_phone",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @staticmethod
    def _parties(case, role):
        # `parties` is prefetched by the viewset: one query for every party of the page.
        return [party for party in case.parties.all() if party.role == role]

    @extend_schema_field(PartySerializer(many=True))
    def get_applicants(self, case):
        return PartySerializer(self._parties(case, PartyRole.APPLICANT), many=True).data

    @extend_schema_field(PartySerializer(many=True))
    def get_debtors(self, case):
        return PartySerializer(self._parties(case, PartyRole.DEBTOR), many=True).data


class CaseDetailSerializer(CaseSerializer):
    special_notifications = serializers.SerializerMethodField(
        help_text="特殊主体通报任务（楚政法发〔2018〕3号 二（一）-（三））：通报对象、层级、期限和通报记录")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "special_notifications"]
        read_only_fields = fields

    @extend_schema_field(SpecialNotificationSerializer(many=True))
    def get_special_notifications(self, case):
        return special_notifications_data(case)


class CaseCreateSerializer(serializers.Serializer):
    number = serializers.CharField(label="案号", max_length=60, help_text="如（2026）粤0103执1234号，半角括号亦可")
    amount = serializers.DecimalField(label="申请执行标的", max_digits=16, decimal_places=2, min_value=0)
    basis_issuer = serializers.CharField(label="执行依据作出单位", max_length=100)
    basis_number = serializers.CharField(label="执行依据文号", max_length=80)
    filed_on = serializers.DateField(label="立案日期")
    applicants = PartyInputSerializer(many=True, label="申请执行人")
    debtors = PartyInputSerializer(many=True, label="被执行人")
    obligation = ApiTextField(max_chars=TEXT_MAX, label="生效法律文书确定的义务", required=False, allow_blank=True)
    is_major = serializers.BooleanField(label="重大、疑难、复杂案件", required=False, default=False)
    officer_name = serializers.CharField(label="承办人", max_length=30, required=False, allow_blank=True)
    officer_phone = serializers.CharField(label="承办人联系电话", max_length=30, required=False, allow_blank=True)


class CaseUpdateSerializer(serializers.Serializer):
    """The fields a clerk may correct; the number, the court and the parties do not change here."""

    amount = serializers.DecimalField(label="申请执行标的", max_digits=16, decimal_places=2, min_value=0)
    performed_amount = serializers.DecimalField(label="已履行金额", max_digits=16, decimal_places=2, min_value=0)
    obligation = ApiTextField(max_chars=TEXT_MAX, label="生效法律文书确定的义务", allow_blank=True)
    basis_issuer = serializers.CharField(label="执行依据作出单位", max_length=100)
    basis_number = serializers.CharField(label="执行依据文号", max_length=80)
    filed_on = serializers.DateField(label="立案日期")
    is_major = serializers.BooleanField(label="重大、疑难、复杂案件")
    officer_name = serializers.CharField(label="承办人", max_length=30, allow_blank=True)
    officer_phone = serializers.CharField(label="承办人联系电话", max_length=30, allow_blank=True)


class CaseStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(label="案件状态", choices=CaseStatus.choices)
    reason = ApiTextField(
        max_chars=REASON_MAX,
        label="理由",
        required=False,
        allow_blank=True,
        help_text="执行完毕、终结执行、终结本次执行程序时必填，写入撤回和解除记录",
    )
    lifting_ruling_number = serializers.CharField(
        label="解除裁定书文号", required=False, allow_blank=True, max_length=60, default="",
        help_text="如（2026）粤0103执123号之一；案件有在用协助措施时，执行完毕或终结须填写",
    )


# ------------------------------------------------------------------------------------------------- views


@extend_schema_view(
    list=extend_schema(
        summary="执行案件列表",
        description="法院执行员和领导看到本院案件，政法委看到全部案件（只读）；可按 status、is_major、number 过滤。",
    ),
    retrieve=extend_schema(summary="执行案件详情", description="不可见的案件返回 404。含特殊主体通报任务。",
                           responses={200: CaseDetailSerializer}),
    create=extend_schema(
        summary="登记执行案件（执行员）",
        description="执行员登记本院执行案件及其申请执行人、被执行人；身份证号、统一社会信用代码逐一校验，"
        "任何一项不合格则不写入任何数据。被执行人或其法定代表人为人大代表、政协委员、国家工作人员或国有企业、"
        "党政机关的，立案即生成特殊主体通报任务（special_addressees 指定通报对象）。",
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="修改执行案件（本院执行员）",
        description="可修改标的、已履行金额、执行依据、立案日期、承办人等；案号、法院和当事人不在此修改。",
        request=CaseUpdateSerializer,
        responses={200: CaseDetailSerializer},
    ),
)
class CaseViewSet(viewsets.ModelViewSet):
    serializer_class = CaseSerializer
    permission_classes = [IsAuthenticated, WriteRolePermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["status", "is_major", "number"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Case.objects.none()
        return (
            Case.objects.visible_to(self.request.user)
            .select_related("court")
            .prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("subdistrict", "community")))
            .order_by("-filed_on", "-id")
        )

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def _detail(self, case):
        case = self.get_queryset().get(pk=case.pk)
        return CaseDetailSerializer(case, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        if not request.user.is_clerk:  # refused before the body is read; create_case holds the same rule
            raise PermissionDenied("只有法院执行员可以登记执行案件。")
        data = validated(CaseCreateSerializer, request.data)
        for role in ("applicants", "debtors"):
            data[role] = [dict(party) for party in data[role]]
            for party in data[role]:
                if "special_addressees" in party:
                    party["special_addressees"] = [dict(entry) for entry in party["special_addressees"]]
        case = services.create_case(actor=request.user, **data)
        return Response(self._detail(case), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        fixed = sorted({"number", "court", "applicants", "debtors", "status"} & set(request.data))
        if fixed:
            raise ApplicationError(f"不能在此修改：{'、'.join(fixed)}（案件状态请使用 /status/）。", field=fixed[0])
        changes = validated(CaseUpdateSerializer, request.data, partial=True)
        case = services.update_case(actor=request.user, case=case, **changes)
        return Response(self._detail(case))

    @extend_schema(
        summary="登记被执行人的户籍或住所地村（居）委会或街道、更正特殊主体标记（本院执行员）",
        description="失信被执行人名单进社区公示按此村（居）委会和街道列出；村（居）委会须为本院辖区内在册的，街道随之"
        "改为其所属街道；街道须为本院辖区内的街道（乡镇），否则返回 400，不作任何修改。"
        "is_deputy 等标记改为特殊主体的，即时生成特殊主体通报任务。",
        request=PartySubdistrictSerializer,
        responses={200: CaseDetailSerializer},
    )
    @action(detail=True, methods=["patch"], url_path=r"parties/(?P<party_id>\d+)")
    def party(self, request, pk=None, party_id=None):
        case = self.get_object()
        party = case.parties.filter(pk=party_id).first()
        if party is None:
            raise NotFound("该案件没有此当事人。")
        data = validated(PartySubdistrictSerializer, request.data)
        if not data:
            raise ApplicationError("请填写户籍或住所地街道、村（居）委会或特殊主体标记。", field="subdistrict")
        with transaction.atomic():
            registration = {key: data.pop(key) for key in ("subdistrict", "community") if key in data}
            if registration:
                services.set_debtor_subdistrict(actor=request.user, party=party, **registration)
            if data:
                services.set_party_flags(actor=request.user, party=party, **data)
        return Response(self._detail(case))

    @extend_schema(
        summary="记录特殊主体通报（本院执行员）",
        description="记录已将案件情况通报人大常委会、政协、组织人事部门或上级机关：通报日期（不能晚于今天）、方式（"
        "letter 函件、online 网上通报、in_person 当面通报）、文号；可同时更正通报对象。记录后不再提醒；"
        "已记录的再次记录返回 409。",
        request=SpecialNotificationRecordSerializer,
        responses={200: CaseDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"special-notifications/(?P<notification_id>\d+)/record")
    def record_special_notification(self, request, pk=None, notification_id=None):
        case = self.get_object()
        task = case.special_notifications.filter(pk=notification_id).first()
        if task is None:
            raise NotFound("该案件没有此通报任务。")
        data = validated(SpecialNotificationRecordSerializer, request.data)
        special.record_sending(actor=request.user, notification=task, sent_on=data["done_on"], method=data["method"],
                               document_number=data.get("document_number", ""), note=data.get("note", ""),
                               unit=data.get("unit") or None, name=data.get("name", ""), level=data.get("level", ""))
        return Response(self._detail(case))

    @extend_schema(
        summary="变更案件状态（本院执行员）",
        description="执行完毕、终结执行或终结本次执行程序时须写明理由 reason；有在用协助措施的须填写解除裁定书文号 "
        "lifting_ruling_number（如（2026）粤0103执123号之一）：未送达的通知书撤回，在用的协助措施转入解除待签发，"
        "执行局领导签发后向各单位送达解除协助执行通知书。",
        request=CaseStatusSerializer,
        responses={200: CaseSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        case = self.get_object()
        data = validated(CaseStatusSerializer, request.data)
        case = services.set_case_status(
            actor=request.user, case=case, status=data["status"], reason=data.get("reason", ""),
            lifting_ruling_number=data.get("lifting_ruling_number", ""),
        )
        return Response(self._detail(case))
