"""The API's shapes of the special-debtor notification tasks (`cases.special`): what the case detail shows, what a
debtor may carry at filing (`special_addressees`), and the record of sending."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from linkage.api import NamedChoiceField
from linkage.text import REASON_MAX, ApiTextField

from . import special
from .models import (
    NotificationLevel,
    NotificationMethod,
    NotificationSubject,
    NotificationTrigger,
    SpecialDebtorKind,
    SpecialDebtorNotification,
)

LEVEL_HELP = "人大或政协的层级：national 全国、provincial 省级、prefecture 市（州）级、county 县（市、区）级、township 乡镇"


class SpecialAddresseeInputSerializer(serializers.Serializer):
    """The body a debtor's notification goes to, chosen at filing (else the roster's default)."""

    kind = NamedChoiceField(label="类别", choices=SpecialDebtorKind.choices, enum_name="SpecialDebtorKindEnum")
    unit = serializers.CharField(label="通报对象（成员单位代码）", max_length=50, required=False, allow_blank=True,
                                 help_text="本辖区名册中的人大、政协、组织人事或纪检监察等单位的代码")
    name = serializers.CharField(label="通报对象名称", max_length=100, required=False, allow_blank=True,
                                 help_text="名册中没有时填写，如“楚雄州人大常委会”")
    level = NamedChoiceField(label="层级", choices=NotificationLevel.choices, enum_name="NotificationLevelEnum",
                             required=False, allow_blank=True, help_text=LEVEL_HELP)


class SpecialNotificationSerializer(serializers.ModelSerializer):
    debtor_name = serializers.CharField(source="debtor.name", read_only=True)
    kind = NamedChoiceField(choices=SpecialDebtorKind.choices, enum_name="SpecialDebtorKindEnum", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    subject = NamedChoiceField(choices=NotificationSubject.choices, enum_name="NotificationSubjectEnum",
                               read_only=True)
    subject_display = serializers.CharField(source="get_subject_display", read_only=True)
    trigger = NamedChoiceField(choices=NotificationTrigger.choices, enum_name="NotificationTriggerEnum",
                               read_only=True, allow_blank=True)
    recipient_unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                                  help_text="通报对象在名册中的单位代码；手填的为 null")
    recipient_level = NamedChoiceField(choices=NotificationLevel.choices, enum_name="NotificationLevelEnum",
                                       read_only=True, allow_blank=True)
    recipient_level_display = serializers.CharField(source="get_recipient_level_display", read_only=True)
    method = NamedChoiceField(choices=NotificationMethod.choices, enum_name="NotificationMethodEnum",
                              read_only=True, allow_blank=True)
    method_display = serializers.CharField(source="get_method_display", read_only=True)
    done_by_name = serializers.CharField(source="done_by.display_name", read_only=True, default=None,
                                         allow_null=True)
    due_at = serializers.SerializerMethodField(help_text="通报期限（立案或生成之日起若干个工作日）")
    deadline_provisional = serializers.SerializerMethodField(help_text="期限落在未载入节假日安排的年份，按周一至周五暂计")
    overdue = serializers.SerializerMethodField(help_text="期限已过而未记录通报")

    class Meta:
        model = SpecialDebtorNotification
        fields = ["id", "debtor", "debtor_name", "kind", "kind_display", "subject", "subject_display", "subject_name",
                  "trigger", "recipient", "recipient_unit", "recipient_level", "recipient_level_display",
                  "created_at", "due_at", "deadline_provisional", "overdue", "done_on", "done_by_name", "method",
                  "method_display", "document_number", "note"]
        read_only_fields = fields

    def _deadline(self, task):
        return self.context["deadlines"][task.pk]

    @extend_schema_field(serializers.DateTimeField())
    def get_due_at(self, task):
        return serializers.DateTimeField().to_representation(self._deadline(task).due_at)

    @extend_schema_field(serializers.BooleanField())
    def get_deadline_provisional(self, task):
        return self._deadline(task).provisional

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, task):
        return special.is_overdue(task, self._deadline(task))


def special_notifications_data(case):
    tasks = list(case.special_notifications.select_related("debtor", "done_by", "recipient_unit")
                 .order_by("created_at", "id"))
    return SpecialNotificationSerializer(tasks, many=True, context={"deadlines": special.deadlines_of(tasks)}).data


class SpecialNotificationRecordSerializer(serializers.Serializer):
    done_on = serializers.DateField(label="通报日期", help_text="不能晚于今天，不能早于立案日期")
    method = NamedChoiceField(label="通报方式", choices=NotificationMethod.choices,
                              enum_name="NotificationMethodEnum")
    document_number = serializers.CharField(label="通报文书文号", max_length=80, required=False, allow_blank=True)
    note = ApiTextField(max_chars=REASON_MAX, label="通报情况", required=False, allow_blank=True)
    unit = serializers.CharField(label="通报对象（成员单位代码）", max_length=50, required=False, allow_blank=True,
                                 help_text="改为名册中的另一单位时填写")
    name = serializers.CharField(label="通报对象名称", max_length=100, required=False, allow_blank=True,
                                 help_text="改为名册外的机关时填写")
    level = NamedChoiceField(label="层级", choices=NotificationLevel.choices, enum_name="NotificationLevelEnum",
                             required=False, allow_blank=True, help_text=LEVEL_HELP)
