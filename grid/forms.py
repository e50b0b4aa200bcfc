"""Forms of the grid pages: the court's 发送网格协助 form and the grid liaison's reply form of each kind. They only
shape input (a phone's datetime-local, checkboxes, photos straight from the camera); every rule (what a reply of a
kind must hold, what a photo may be) is the service's (grid/services.py, grid/answers.py), and its refusal comes back
as a form error through `linkage.forms.run_service`."""

from django import forms
from django.utils import timezone

from assistance.forms import MultipleFileField, MultipleFileInput
from cases.forms import BootstrapFormMixin
from linkage.text import REASON_MAX, FormTextField
from members.grid_models import Community

from . import answers
from .models import PLACE_MAX, GridTaskKind, PhotoPurpose

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"
PHOTO_ACCEPT = "image/*"
SHORT_MAX = 100


def _moment(label, *, required=True):
    return forms.DateTimeField(label=label, required=required, input_formats=[MOMENT_FORMAT],
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT_FORMAT))


def _photos(label, help_text):
    """Photos from the phone's camera (or its album), several at once; their content and size are the service's."""
    return MultipleFileField(label=label, help_text=help_text, widget=MultipleFileInput(
        attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}))


def _text(label, *, max_chars=REASON_MAX, required=False, rows=2):
    return FormTextField(label=label, required=required, max_chars=max_chars,
                         widget=forms.Textarea(attrs={"rows": rows}))


def _line(label, *, max_length=SHORT_MAX, required=False):
    return forms.CharField(label=label, required=required, max_length=max_length)


def community_choices(jurisdiction_id):
    """The jurisdiction's active communities grouped by subdistrict, for a `<select>` with `<optgroup>`s."""
    groups = {}
    for community in Community.objects.active().of_jurisdiction(jurisdiction_id).select_related("subdistrict"):
        groups.setdefault(community.subdistrict.name, []).append((str(community.pk), community.name))
    return [("", "请选择村（居）委会"), *groups.items()]


class SendTaskForm(BootstrapFormMixin, forms.Form):
    """发送网格协助: which community, what to do, about which debtor."""

    community = forms.ChoiceField(label="村（居）委会")
    kind = forms.ChoiceField(label="事项", choices=GridTaskKind.choices)
    party = forms.ChoiceField(label="被执行人", required=False, help_text="张贴名单可不指定被执行人。")
    instructions = _text("具体要求", rows=3)
    place = _line("地点", max_length=PLACE_MAX)
    scheduled_at = _moment("见证时间", required=False)
    document_title = _line("送达文书")

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.debtors = list(case.parties.debtors().order_by("position", "id"))
        self.fields["community"].choices = community_choices(case.court.jurisdiction_id)
        self.fields["party"].choices = [("", "（不指定）"), *((str(p.pk), p.name) for p in self.debtors)]
        self.fields["scheduled_at"].help_text = "到场见证必填。"
        self.fields["document_title"].help_text = "协助送达时填写所送达的文书名称。"
        self.fields["place"].help_text = "送达地址、调查地址或见证现场。"

    def clean_community(self):
        value = self.cleaned_data["community"]
        community = Community.objects.active().of_jurisdiction(self.case.court.jurisdiction_id).filter(
            pk=value).select_related("subdistrict").first()
        if community is None:
            raise forms.ValidationError("请选择本辖区的村（居）委会。")
        return community

    def clean_party(self):
        value = self.cleaned_data["party"]
        if not value:
            return None
        party = next((p for p in self.debtors if str(p.pk) == value), None)
        if party is None:
            raise forms.ValidationError("请选择本案的被执行人。")
        return party


def send_initial(case, party_pk):
    """The form's first values: the debtor chosen (by `?party=`, else the only one) and its community if known."""
    debtors = list(case.parties.debtors().order_by("position", "id"))
    party = next((p for p in debtors if str(p.pk) == str(party_pk)), None)
    if party is None and len(debtors) == 1:
        party = debtors[0]
    initial = {"kind": GridTaskKind.LOCATE}
    if party is not None:
        initial["party"] = str(party.pk)
        if party.community_id:
            initial["community"] = str(party.community_id)
    return initial


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = _text("撤回理由", required=True, rows=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown without its label beside the button on the case page: the box says what it is for.
        self.fields["reason"].widget.attrs.update({"placeholder": "撤回理由（必填）", "aria-label": "撤回理由"})


# ------------------------------------------------------------------------------------ the replies, one per kind


class AnswerForm(BootstrapFormMixin, forms.Form):
    """A reply: `answer()` is the structured dict the service takes, `photos()` the (purpose, file) pairs."""

    PHOTO_FIELDS = {}  # field name → photo purpose
    MOMENT_FIELDS = ()

    def answer(self):
        data = {}
        for name, value in self.cleaned_data.items():
            if name in self.PHOTO_FIELDS:
                continue
            if name in self.MOMENT_FIELDS:
                value = timezone.localtime(value).isoformat() if value else None
            data[name] = value
        return data

    def photos(self):
        return [(purpose, upload) for name, purpose in self.PHOTO_FIELDS.items()
                for upload in self.cleaned_data.get(name) or []]


def _site_photos(help_text="可选，可多张。"):
    return _photos("现场照片", help_text)


class LocateAnswerForm(AnswerForm):
    found = forms.BooleanField(label="已找到被执行人", required=False)
    seen_at = _moment("发现时间", required=False)
    place = _line("发现地点", max_length=PLACE_MAX)
    note = _text("情况说明", required=False)
    site = _site_photos()
    PHOTO_FIELDS = {"site": PhotoPurpose.SITE}
    MOMENT_FIELDS = ("seen_at",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_at"].help_text = "找到的，填写何时在何处见到被执行人；未找到的，写明查找情况。"


class ServeAnswerForm(AnswerForm):
    served = forms.BooleanField(label="已送达", required=False, help_text="未能送达的，不勾选并写明拒收或未见情况。")
    served_at = _moment("送达（上门）时间", required=False)
    recipient = _line("签收人", max_length=answers.NAME_MAX)
    relation = _line("签收人与被执行人关系", max_length=answers.RELATION_MAX)
    refusal_note = _text("拒收或未能送达情况")
    signature = _photos("签收人签名照片", "已送达的，拍摄签收人签名（必填）。")
    site = _site_photos()
    PHOTO_FIELDS = {"signature": PhotoPurpose.SIGNATURE, "site": PhotoPurpose.SITE}
    MOMENT_FIELDS = ("served_at",)


class InvestigateAnswerForm(AnswerForm):
    residence = forms.ChoiceField(label="住房情况", choices=[("", "请选择"), *answers.Residence.CHOICES.items()],
                                  required=False)
    occupants = forms.IntegerField(label="居住人数", required=False, min_value=0, max_value=answers.OCCUPANTS_MAX)
    vehicle = forms.BooleanField(label="有车辆", required=False)
    business = forms.BooleanField(label="经营生意", required=False)
    employment = _line("就业情况", max_length=answers.EMPLOYMENT_MAX)
    living_conditions = _text("生活状况", rows=3)
    site = _site_photos("居住、财产现场照片，至少一张。")
    PHOTO_FIELDS = {"site": PhotoPurpose.SITE}


class WitnessAnswerForm(AnswerForm):
    attended = forms.BooleanField(label="已到场见证", required=False)
    at = _moment("到场时间", required=False)
    observations = _text("见证情况（未到场的写明原因）", rows=3)
    site = _site_photos()
    PHOTO_FIELDS = {"site": PhotoPurpose.SITE}
    MOMENT_FIELDS = ("at",)


class PostAnswerForm(AnswerForm):
    posted_at = _moment("张贴时间", required=False)
    place = _line("张贴地点", max_length=PLACE_MAX)
    posted_sheet = _photos("张贴现场照片", "拍摄已张贴的名单（必填）。")
    PHOTO_FIELDS = {"posted_sheet": PhotoPurpose.POSTED_SHEET}
    MOMENT_FIELDS = ("posted_at",)


ANSWER_FORMS = {
    GridTaskKind.LOCATE: LocateAnswerForm,
    GridTaskKind.SERVE: ServeAnswerForm,
    GridTaskKind.INVESTIGATE: InvestigateAnswerForm,
    GridTaskKind.WITNESS: WitnessAnswerForm,
    GridTaskKind.POST: PostAnswerForm,
}


def answer_form(task, data=None, files=None):
    return ANSWER_FORMS[task.kind](data, files, prefix="answer")
