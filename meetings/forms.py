"""Forms of the meeting pages. They only parse input; every rule is the service's, whose Chinese refusal is shown at
the field it names."""

from django import forms
from django.utils import timezone

from cases.forms import BootstrapFormMixin
from linkage.text import DOCUMENT_MAX, REASON_MAX, TEXT_MAX, FormTextField
from members.models import Organisation

from .models import AttendanceStatus, CoordinationGround, MeetingKind, MeetingState

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def jurisdiction_units(jurisdiction_id, *, include_committee=True):
    units = Organisation.objects.active().filter(jurisdiction_id=jurisdiction_id).order_by("sort_order", "id")
    return units if include_committee else units.exclude(kind="committee")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UnitsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.short_name


class MeetingForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": "如：2026年第一次执行联动案件协调会议"}))
    starts_at = forms.DateTimeField(label="召开时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label="会议地点", max_length=200)
    convenor = forms.CharField(label="召集人", max_length=100, initial="区委副书记、政法委书记")
    chair = forms.CharField(label="主持人", max_length=100)


class AttendanceAddForm(BootstrapFormMixin, forms.Form):
    organisation = UnitChoiceField(label="参会单位", queryset=Organisation.objects.none())
    person_name = forms.CharField(label="参会人员", max_length=30, required=False)
    position = forms.CharField(label="职务", max_length=50, required=False)
    status = forms.ChoiceField(label="出席情况", choices=AttendanceStatus.choices, initial=AttendanceStatus.ATTENDING)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        taken = meeting.attendances.filter(withdrawn_at__isnull=True).values("organisation_id")
        self.fields["organisation"].queryset = jurisdiction_units(meeting.jurisdiction_id).exclude(pk__in=taken)


class AttendanceRecordForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label="出席情况", choices=AttendanceStatus.choices,
                               widget=forms.Select(attrs={"class": "form-select-sm", "aria-label": "出席情况"}))
    person_name = forms.CharField(label="参会人员", max_length=30, required=False, widget=forms.TextInput(
        attrs={"class": "form-control-sm", "placeholder": "姓名", "aria-label": "参会人员"}))
    position = forms.CharField(label="职务", max_length=50, required=False, widget=forms.TextInput(
        attrs={"class": "form-control-sm", "placeholder": "职务", "aria-label": "职务"}))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = FormTextField(max_chars=REASON_MAX, label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SummaryForm(BootstrapFormMixin, forms.Form):
    summary = FormTextField(max_chars=DOCUMENT_MAX, label="纪要正文（会议概况和议定意见）", required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))


class PublishForm(BootstrapFormMixin, forms.Form):
    document_number = forms.CharField(label="纪要文号", max_length=60, required=False,
                                      help_text="留空则按本委本年度发文字号顺序自动编号。",
                                      widget=forms.TextInput(attrs={"placeholder": "如：荔政法〔2026〕1号；留空自动编号"}))


class DecisionForm(BootstrapFormMixin, forms.Form):
    responsible_unit = UnitChoiceField(label="责任单位", queryset=Organisation.objects.none())
    task = FormTextField(max_chars=REASON_MAX, label="议定事项", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    due_on = forms.DateField(label="完成期限", widget=DATE)
    item = forms.ModelChoiceField(label="所属议题", queryset=None, required=False, empty_label="（不属于具体议题）")

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = jurisdiction_units(meeting.jurisdiction_id, include_committee=False)
        self.fields["item"].queryset = meeting.items.order_by("position")


class AcceptItemForm(BootstrapFormMixin, forms.Form):
    meeting = forms.ModelChoiceField(label="列入会议", queryset=None)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Meeting

        self.fields["meeting"].queryset = Meeting.objects.filter(
            jurisdiction_id=item.jurisdiction_id, state__in=[MeetingState.DRAFT, MeetingState.SCHEDULED]
        ).order_by("starts_at")


class CoordinationForm(BootstrapFormMixin, forms.Form):
    ground = forms.ChoiceField(label="提请理由", choices=CoordinationGround.choices)
    title = forms.CharField(label="议题", max_length=200, required=False,
                            help_text="留空则为“案号+执行协调”")
    description = FormTextField(max_chars=TEXT_MAX, label="案件情况和需协调的问题", required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    enforcement_plan = FormTextField(max_chars=TEXT_MAX, label="执行方案", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    units = UnitsField(label="需协调的单位", queryset=Organisation.objects.none(), required=False)
    notices = forms.ModelMultipleChoiceField(label="关联通知书", queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = jurisdiction_units(case.court.jurisdiction_id, include_committee=False) \
            .member_units()
        self.fields["notices"].queryset = case.notices.select_related("unit", "measure").order_by("id")
        self.fields["notices"].label_from_instance = lambda n: f"{n.unit.short_name} · {n.measure.name}（{n.get_state_display()}）"


class DisputeForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="争议事项", max_length=200, required=False)
    units = UnitsField(label="争议单位（至少两个）", queryset=Organisation.objects.none(), required=False)
    description = FormTextField(max_chars=TEXT_MAX, label="争议情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    consultation_started_on = forms.DateField(label="磋商开始日期", widget=DATE)
    consultation_summary = FormTextField(max_chars=TEXT_MAX, label="磋商情况（时间、参加人员、各方意见）", required=False,
                                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = jurisdiction_units(organisation.jurisdiction_id, include_committee=False)


class ReviewItemForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="议题", max_length=200, required=False, help_text="留空则自动生成")
    description = FormTextField(max_chars=TEXT_MAX, label="争议情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DecisionReplyForm(BootstrapFormMixin, forms.Form):
    text = FormTextField(max_chars=TEXT_MAX, label="落实情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label="附件（PDF 或图片扫描件，可选）", required=False,
                                 widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}))


class SendBackForm(BootstrapFormMixin, forms.Form):
    reason = FormTextField(max_chars=REASON_MAX, label="退回理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label="新的完成期限（可选）", required=False, widget=DATE)


class ReportCreateForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


class ReportEditForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    text = FormTextField(max_chars=DOCUMENT_MAX, label="报告正文", widget=forms.Textarea(attrs={"rows": 20}), required=False)
