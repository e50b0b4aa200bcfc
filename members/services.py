"""Writes to the roster. Each service is one transaction, checks who may do it, and records the change
(the audit trail records every row written; contact history is kept in Contact rows, never deleted). A contact
change moves through the table in `members/machines.py`."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from linkage import parsing
from linkage.errors import ApplicationError, PermissionDenied

from .machines import CONTACT_CHANGE, may_request_for
from .models import (
    ChangeRequestState,
    Contact,
    ContactChangeRequest,
    ContactRole,
    Organisation,
    User,
    UserRole,
)
from .validators import clean_contact_fields

CONTACT_FIELDS = ("name", "position", "landline", "mobile", "email")


def _today():
    return timezone.localdate()


def _check_role(role):
    if role not in ContactRole.values:
        raise ApplicationError("联系人角色只能是A角、B角或责任领导。", field="role")


@transaction.atomic
def assign_contact(*, actor, organisation, role, name, position="", landline="", mobile="", email="",
                   user=None, started_on=None, change_request=None):
    """Make a person the current A or B contact of a unit, ending the current holder's term.

    Used by an approved change request, by the administrator's roster import and by the demo data.
    The previous holder keeps their row with an end date, so the history shows who was contact when.
    """
    _check_role(role)
    fields = clean_contact_fields(name=name, position=position, landline=landline, mobile=mobile, email=email)
    started_on = parsing.date(started_on, "任职起始日期", "started_on") or _today()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    current = Contact.objects.select_for_update().filter(organisation=organisation, role=role).current().first()
    if current is not None:
        unchanged = all(getattr(current, key) == value for key, value in fields.items()) and current.user == user
        if unchanged:
            return current
        if started_on < current.started_on:
            raise ApplicationError("新联系人的任职起始日期不能早于现任联系人的任职起始日期。", field="started_on")
        current.ended_on = started_on
        current.save(update_fields=["ended_on"])
    try:
        with transaction.atomic():
            return Contact.objects.create(
                organisation=organisation,
                role=role,
                user=user,
                started_on=started_on,
                change_request=change_request,
                **fields,
            )
    except IntegrityError:
        raise ApplicationError("该单位已有现任同角色联系人，请稍后重试。", field="role")


@transaction.atomic
def request_contact_change(*, actor, organisation, role, reason, name, position="", landline="", mobile="",
                           email=""):
    """A unit's liaison (or the administrator) asks to replace the unit's A or B contact.

    The committee decides (荔政法〔2017〕72号 三（三）: changes are approved by the joint meeting).
    Only one pending request per unit and role.
    """
    if not may_request_for(actor, organisation):
        raise PermissionDenied("只能为本单位申请变更联系人。")
    if not organisation.active:
        raise ApplicationError("该单位已停用，不能申请变更联系人。")
    _check_role(role)
    if not (reason or "").strip():
        raise ApplicationError("请填写变更原因。", field="reason")
    fields = clean_contact_fields(name=name, position=position, landline=landline, mobile=mobile, email=email)
    if ContactChangeRequest.objects.filter(
        organisation=organisation, role=role, state=ChangeRequestState.PENDING
    ).exists():
        raise ApplicationError("该单位该角色已有待审批的变更申请，请等待审批或先撤回。", field="role")
    try:
        with transaction.atomic():
            return ContactChangeRequest.objects.create(
                organisation=organisation, role=role, reason=reason.strip(), requested_by=actor, **fields
            )
    except IntegrityError:
        raise ApplicationError("该单位该角色已有待审批的变更申请，请等待审批或先撤回。", field="role")


@transaction.atomic
def approve_contact_change(*, actor, change_request, reason=""):
    """The committee approves: the new contact takes the role today, the old one's term ends today."""
    request = CONTACT_CHANGE.lock(change_request)
    CONTACT_CHANGE.check(request, "approve", actor)
    account = (
        User.objects.filter(role=UserRole.LIAISON, organisation=request.organisation, liaison_role=request.role)
        .order_by("id")
        .first()
    )
    assign_contact(
        actor=actor,
        organisation=request.organisation,
        role=request.role,
        user=account,
        change_request=request,
        **{key: getattr(request, key) for key in CONTACT_FIELDS},
    )
    return CONTACT_CHANGE.move(request, "approve", actor, decided_by=actor, decided_at=timezone.now(),
                               decision_reason=(reason or "").strip())


@transaction.atomic
def reject_contact_change(*, actor, change_request, reason):
    """The committee rejects, with a reason; the current contact stays."""
    request = CONTACT_CHANGE.lock(change_request)
    CONTACT_CHANGE.moves["reject"].role.require(actor, request)
    if not (reason or "").strip():
        raise ApplicationError("驳回时请填写理由。", field="reason")
    return CONTACT_CHANGE.move(request, "reject", actor, decided_by=actor, decided_at=timezone.now(),
                               decision_reason=reason.strip())


@transaction.atomic
def cancel_contact_change(*, actor, change_request):
    """The unit withdraws its own pending request."""
    request = CONTACT_CHANGE.lock(change_request)
    return CONTACT_CHANGE.move(request, "cancel", actor, decided_by=actor, decided_at=timezone.now())


ORGANISATION_EDITABLE = ("name", "short_name", "kind", "level", "duties", "duties_source", "sort_order")


def _require_admin(actor):
    if not actor.is_administrator:
        raise PermissionDenied("只有系统管理员可以维护成员单位名册。")


@transaction.atomic
def create_organisation(*, actor, jurisdiction, code, name, short_name, kind, level, duties="", duties_source="",
                        measures=(), sort_order=0):
    """The administrator adds a unit to the roster."""
    _require_admin(actor)
    organisation = Organisation(
        jurisdiction=jurisdiction, code=code, name=name, short_name=short_name, kind=kind, level=level,
        duties=duties, duties_source=duties_source, sort_order=sort_order,
    )
    _full_clean(organisation)
    organisation.save()
    organisation.measures.set(measures)
    return organisation


@transaction.atomic
def update_organisation(*, actor, organisation, measures=None, **changes):
    """The administrator edits a unit's names, kind, level, duties or measures. `code` never changes."""
    _require_admin(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    unknown = set(changes) - set(ORGANISATION_EDITABLE)
    if unknown:
        raise ApplicationError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    for key, value in changes.items():
        setattr(organisation, key, value)
    _full_clean(organisation)
    if changes:
        organisation.save(update_fields=[*changes, "updated_at"])
    if measures is not None:
        organisation.measures.set(measures)
    return organisation


@transaction.atomic
def set_organisation_active(*, actor, organisation, active):
    """Deactivate (or reactivate) a unit. Nothing in the roster is ever deleted."""
    _require_admin(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if active and organisation.jurisdiction.is_reference:
        raise ApplicationError(f"{organisation.name}是参考目录中的部门条目，不能设为在册；请把其职责复制到本辖区的单位。")
    if organisation.active != active:
        organisation.active = active
        organisation.save(update_fields=["active", "updated_at"])
    return organisation


def _full_clean(instance, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(messages[0], field=None if field == "__all__" else field)
