"""django-guardian's direct foreign-key object permissions on a case (issue 23 item 2): a procuratorate asked to
supervise the filing of a crime referral reads that one case, and nothing else of the court's, by the grant
`cases.view_case` that the referral's service gives its liaisons (assistance/services/referrals.py). Imported at
the bottom of `cases.models`."""

from django.db import models
from guardian.managers import GroupObjectPermissionManager, UserObjectPermissionManager
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from linkage.audit import AuditedQuerySet

VIEW_CASE = "cases.view_case"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """A user's permission on one case (the procuratorate's read grant)."""

    content_object = models.ForeignKey("cases.Case", on_delete=models.CASCADE)

    # guardian's manager (assign_perm, remove_perm) over the project's audited queryset.
    objects = UserObjectPermissionManager.from_queryset(AuditedQuerySet)()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "案件对象权限（用户）"
        verbose_name_plural = verbose_name


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("cases.Case", on_delete=models.CASCADE)

    objects = GroupObjectPermissionManager.from_queryset(AuditedQuerySet)()

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "案件对象权限（组）"
        verbose_name_plural = verbose_name


def cases_granted_to(user):
    """The ids of the cases `user` holds the read grant on (as a subquery)."""
    return CaseUserObjectPermission.objects.filter(
        user=user, permission__codename="view_case", permission__content_type__app_label="cases",
    ).values("content_object_id")


__all__ = ["CaseUserObjectPermission", "CaseGroupObjectPermission", "VIEW_CASE", "cases_granted_to"]
