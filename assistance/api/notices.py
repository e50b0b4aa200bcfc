"""`/api/v1/notices/`: the list (the one selector `selectors.notice_list_for`, as the page reads it), a notice's
detail with everything it shows in a constant number of queries, drafting and a draft's amendment. The moves are
`NoticeMovesMixin`'s (assistance/api/moves.py)."""

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases.models import Case, Party
from linkage.api import IdFilter, StrictBooleanFilter, WriteRolePermission, validated
from linkage.errors import ApplicationError, PermissionDenied
from linkage.parsers import UPLOAD_PARSERS
from members.models import Organisation

from .. import selectors, services
from ..input_serializers import (
    DraftResultSerializer,
    NoticeAmendSerializer,
    NoticeCreateSerializer,
    NoticeCreateUploadSerializer,
    NoticeCreateWithFilesSerializer,
)
from ..models import (
    Attachment,
    ExtensionRequest,
    MeasureTerm,
    Notice,
    NoticeEvent,
    NoticeState,
    Reply,
    ReviewSuggestion,
)
from ..serializers import NoticeDetailSerializer, NoticeSerializer
from .moves import NoticeMovesMixin
from .support import ACTION_ERRORS, NOTICE_OR_404, action_schema, is_id, request_body
from .terms import NoticeTermsMixin
from .tracking import TrackingMovesMixin


class NoticeFilter(filters.FilterSet):
    """The list's query parameters, parsed and documented; `selectors.notice_list_for` does the filtering, so
    `filter_queryset` leaves the list as the selector made it."""

    state = filters.ChoiceFilter(choices=NoticeState.choices, help_text="状态代码")
    unit = filters.CharFilter(field_name="unit__code", help_text="协助执行单位代码")
    case = IdFilter(field_name="case_id", help_text="案件 id")
    measure = filters.CharFilter(field_name="measure__code", help_text="协助措施代码")
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="true：只列已超期的；false：只列未超期的")

    class Meta:
        model = Notice
        fields = ["state", "unit", "case", "measure", "overdue"]

    def filter_queryset(self, queryset):
        return queryset

    def filter_overdue(self, queryset, name, value):  # declared for the schema; the selector filters
        return queryset


# What a list row shows (NoticeSerializer): the notice's own columns, and of its relations only the few the row names;
# not the dozens of columns of a case, two organisations and a party for every row of every page.
LIST_COLUMNS = (
    *(field.name for field in Notice._meta.concrete_fields),
    "case__number", "court__code", "court__name", "unit__code", "unit__name", "measure__code", "measure__name",
    "debtor__name", "debtor__kind", "debtor__id_number", "debtor__credit_code", "debtor__legal_representative",
)

# What a detail adds to a row: who signed it, its reply and who replied — of a user only the name the detail shows.
_USER_NAME = ("full_name", "username")
DETAIL_COLUMNS = (
    *LIST_COLUMNS,
    *(f"signed_by__{name}" for name in _USER_NAME),
    *(f"reply__{field.name}" for field in Reply._meta.concrete_fields),
    *(f"reply__replied_by__{name}" for name in _USER_NAME),
)
EVENT_COLUMNS = (
    *(field.name for field in NoticeEvent._meta.concrete_fields),
    *(f"actor__{name}" for name in _USER_NAME),
    "actor__organisation__short_name",
)



# The sub-lists a notice may have besides its items and history, each read into a list attribute the serializer
# shows. Most notices have no extension request and no review suggestion, and a draft no attachment: a detail asks
# whether it has any (EXISTS in its main query) and fetches only those it has.
SUBLISTS = {
    "terms": Prefetch(
        "terms", queryset=MeasureTerm.objects.select_related("item").order_by("item__position"), to_attr="term_list",
    ),
    "attachments": Prefetch(
        "attachments", queryset=Attachment.objects.select_related("uploaded_by").order_by("uploaded_at", "id"),
        to_attr="attachment_list",
    ),
    "extension_requests": Prefetch(
        "extension_requests",
        queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by").order_by("requested_at", "id"),
        to_attr="extension_request_list",
    ),
    "review_suggestions": Prefetch(
        "review_suggestions",
        queryset=ReviewSuggestion.objects.select_related("raised_by", "decided_by").order_by("raised_at", "id"),
        to_attr="review_suggestion_list",
    ),
}


@extend_schema_view(
    list=extend_schema(
        summary="协助执行通知书列表",
        description="法院人员看到本院的通知书，联络员看到本单位已送达的通知书（按办理期限先后），政法委看到全部。"
        "可按 state、unit（单位代码）、case、measure、overdue=true 过滤。列表不含历史记录、回复和附件，见详情。",
    ),
    retrieve=extend_schema(
        summary="协助执行通知书详情",
        description="含协助事项、回复、附件（带下载地址）、延期申请、审查建议和完整的历史记录。不可见的返回 404。",
        responses={200: NoticeDetailSerializer, **NOTICE_OR_404},
    ),
    create=extend_schema(
        summary="起草协助执行通知书（执行员）",
        description="同一事项发往一个或多个单位，每个单位一份通知书，同属一个批次。units 可为单位 id 或单位代码；"
        "单位须能办理该措施；debtor 须为本案被执行人。JSON 或 multipart（附执行裁定书扫描件）。",
        request={"application/json": NoticeCreateSerializer, "multipart/form-data": NoticeCreateUploadSerializer},
        responses={201: DraftResultSerializer, 400: ACTION_ERRORS[400], 403: ACTION_ERRORS[403]},
    ),
    partial_update=action_schema(
        "修改通知书草稿（执行员）",
        "只有草稿可以修改：执行裁定书文号、法律依据、其他事项。",
        request=NoticeAmendSerializer,
    ),
)
class NoticeViewSet(
    NoticeMovesMixin,
    TrackingMovesMixin,
    NoticeTermsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated, WriteRolePermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = NoticeFilter
    lookup_value_regex = r"\d+"

    def get_parsers(self):
        # Drafting takes the ruling's scans: JSON or multipart; every other body of the collection is JSON.
        action = getattr(self, "action", None) or self.action_map.get(self.request.method.lower())
        return [parser() for parser in UPLOAD_PARSERS] if action == "create" else super().get_parsers()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # One moment for the whole request, so the overdue filter and each row's `overdue` agree.
        request.linkage_now = timezone.now()

    def get_serializer_class(self):
        return NoticeSerializer if self.action == "list" else NoticeDetailSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["now"] = getattr(self.request, "linkage_now", None)
        return context

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Notice.objects.none()
        user = self.request.user
        if self.action == "list":
            # A liaison works through its notices by deadline; the court reads its newest first.
            order = selectors.DEADLINE_FIRST if user.is_liaison else selectors.NEWEST_FIRST
            notices = selectors.notice_list_for(user, self._list_filters(), now=self.request.linkage_now, order=order)
            # The page's items come with one query once the page is cut.
            return notices.only(*LIST_COLUMNS).prefetch_related("items")
        queryset = Notice.objects.visible_to(user)
        if self.action in ("pdf", "lifting_pdf"):
            return queryset.with_list_relations().prefetch_related("items")
        return queryset

    def _list_filters(self):
        filterset = NoticeFilter(self.request.query_params, queryset=Notice.objects.none(), request=self.request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.form.cleaned_data

    @staticmethod
    def _events():
        return NoticeEvent.objects.select_related("actor__organisation").only(*EVENT_COLUMNS).order_by("at", "id")

    def _detail_queryset(self, user):
        """A notice's detail row as `user` sees it: its relations, who signed, its reply, what supersedes it and
        which sub-lists it has (the history and the reply's results are fetched beside it)."""
        visible = Notice.objects.visible_to(user)
        queryset = (
            visible.with_list_relations()
            .select_related("signed_by", "reply__replied_by")
            .only(*DETAIL_COLUMNS)
            .annotate(superseded_by_id=Subquery(
                visible.filter(supersedes=OuterRef("pk")).order_by("id").values("pk")[:1]
            ))
        )
        return queryset.annotate(**{
            f"has_{name}": Exists(prefetch.queryset.model.objects.filter(notice=OuterRef("pk")))
            for name, prefetch in SUBLISTS.items()
        })

    def _detail_notices(self, pks):
        """Notices with everything their detail shows, by id, leaving out those the caller cannot see."""
        notices = list(
            self._detail_queryset(self.request.user).filter(pk__in=pks).order_by("id")
            .prefetch_related("items", "reply__results", Prefetch("events", queryset=self._events()))
        )
        for name, prefetch in SUBLISTS.items():
            having = [notice for notice in notices if getattr(notice, f"has_{name}")]
            if having:
                prefetch_related_objects(having, prefetch)
            for notice in notices:
                if not getattr(notice, f"has_{name}"):
                    setattr(notice, prefetch.to_attr, [])
        return notices

    def _detail_notice(self, pk):
        """One notice with everything its detail shows, or None if the caller cannot see it."""
        return next(iter(self._detail_notices([pk])), None)

    def _detail(self, pk):
        """The notice as it stands after a change, seen through the caller's visibility."""
        notice = self._detail_notice(pk)
        if notice is None:  # e.g. a draft the caller cannot see any more — never the case for its own action
            raise Http404
        return NoticeDetailSerializer(notice, context=self.get_serializer_context()).data

    def retrieve(self, request, *args, **kwargs):
        notice = self._detail_notice(kwargs["pk"])
        if notice is None:
            raise Http404
        return Response(self.get_serializer(notice).data)

    def create(self, request, *args, **kwargs):
        user = request.user
        if not user.is_clerk:  # refused before the body is read; draft_notices holds the same rule
            raise PermissionDenied("只有法院执行员可以起草协助执行通知书。")
        data = validated(
            NoticeCreateWithFilesSerializer, request_body(request, lists=("units", "items"), files=("attachments",))
        )
        case = Case.objects.visible_to(user).filter(pk=data["case"]).first()
        if case is None:
            raise ApplicationError("案件不存在。", field="case")
        debtor = Party.objects.filter(pk=data["debtor"], case=case).first()
        if debtor is None:
            raise ApplicationError("所选当事人不是本案被执行人。", field="debtor")
        batch, notices = services.draft_notices(
            actor=user,
            case=case,
            units=self._units(data),
            measure=data["measure"],
            debtor=debtor,
            items=[dict(item) for item in data["items"]],
            ruling_number=data["ruling_number"],
            legal_basis=data.get("legal_basis", ""),
            note=data.get("note", ""),
            ruling_files=data.get("attachments", []),
            tracking=data.get("tracking"),
        )
        created = self._detail_notices([notice.pk for notice in notices])
        return Response(
            {
                "batch": batch.pk,
                "notices": NoticeDetailSerializer(created, many=True, context=self.get_serializer_context()).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @staticmethod
    def _units(data):
        """Units by id or by code, in the order given; an unknown one is named in the message."""
        wanted = list(data.get("units") or [])
        if data.get("unit"):
            wanted.append(data["unit"])
        if not wanted:
            raise ApplicationError("请选择至少一个协助执行单位。", field="units")
        ids = {int(value) for value in wanted if is_id(value)}
        codes = {str(value) for value in wanted}
        found = Organisation.objects.filter(Q(pk__in=ids) | Q(code__in=codes))
        by_id = {unit.pk: unit for unit in found}
        by_code = {unit.code: unit for unit in found}
        units = []
        for value in wanted:
            value = str(value)
            unit = by_id.get(int(value)) if is_id(value) and int(value) in by_id else by_code.get(value)
            if unit is None:
                raise ApplicationError(f"协助执行单位“{value}”不存在。", field="units")
            units.append(unit)
        return units

    def partial_update(self, request, *args, **kwargs):
        notice = self.get_object()
        body = request_body(request)
        known = validated(
            NoticeAmendSerializer, {k: v for k, v in body.items() if k in NoticeAmendSerializer().fields}, partial=True
        )
        # Fields that may not be amended go to the service too: it refuses them, after checking role and state.
        unknown = {key: value for key, value in body.items() if key not in known}
        reserved = sorted({"actor", "notice"} & set(unknown))
        if reserved:
            raise ApplicationError(f"不能修改字段：{'、'.join(reserved)}。")
        services.amend_draft(actor=request.user, notice=notice, **known, **unknown)
        return Response(self._detail(notice.pk))
