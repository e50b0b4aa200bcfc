"""The grid under a subdistrict: its villages and communities (村民委员会/居民委员会), each with one part-time grid
liaison (网格员; Yunfu seed item 9: the cadre in charge of petitions and stability serves as the enforcement liaison of
every 村（居）委会; Liwan seed 四(二十二): subdistricts help serve, investigate, witness and post the list).

The tree is jurisdiction → subdistrict (an `Organisation` of kind `subdistrict`, with its A/B contacts as every unit)
→ `Community`. A community is not a member unit: it receives no assistance notices, only grid tasks (`grid` app),
and is never ranked itself; its work counts towards its subdistrict. Its grid liaison is a light account
(`User.role == "grid"`, organisation = the subdistrict, `community` = this row) that logs in by phone number and an
SMS code. Rows are imported from Excel (`members/grid_import.py`) and never deleted: a community that goes is
deactivated.
"""

from django.db import models

from linkage.audit import AuditedQuerySet
from linkage.text import NameValidator


class CommunityKind(models.TextChoices):
    COMMUNITY = "community", "居民委员会（社区）"
    VILLAGE = "village", "村民委员会（村）"


class CommunityQuerySet(AuditedQuerySet):
    def active(self):
        return self.filter(active=True, subdistrict__active=True)

    def of_jurisdiction(self, jurisdiction_id):
        return self.filter(subdistrict__jurisdiction_id=jurisdiction_id)


class Community(models.Model):
    subdistrict = models.ForeignKey(
        "members.Organisation", verbose_name="所属街道（镇）", on_delete=models.PROTECT, related_name="communities",
        limit_choices_to={"kind": "subdistrict"},
    )
    code = models.SlugField("代码", max_length=60, unique=True, help_text="稳定标识，用于接口和网址")
    name = models.CharField("名称", max_length=50, validators=[NameValidator("名称")])
    kind = models.CharField("类别", max_length=20, choices=CommunityKind.choices, default=CommunityKind.COMMUNITY)
    active = models.BooleanField("在册", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = "村（居）委会"
        verbose_name_plural = "村（居）委会"
        ordering = ["subdistrict", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subdistrict", "name"], name="community_name_unique_in_subdistrict",
                                    violation_error_message="同一街道（镇）下已有同名村（居）委会。"),
        ]

    def __str__(self):
        return f"{self.subdistrict.short_name}{self.name}"

    @property
    def grid_liaison(self):
        """The community's current grid liaison (an active account), or None."""
        return self.grid_liaisons.filter(is_active=True).order_by("-pk").first()



