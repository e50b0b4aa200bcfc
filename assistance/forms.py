"""Forms of the notice pages. Fields the services check themselves (reasons, days, required result fields) are
optional here, so a refusal reads as the service's own Chinese message naming the field."""

from django import forms
from django.utils import timezone

from cases.forms import BootstrapFormMixin
from linkage.errors import ApplicationError
from linkage.text import REASON_MAX, TEXT_MAX, FormTextField
from members.models import Measure

from .models import (
    LiftGround,
    LocateReason,
    MaritalStatus,
    Notice,
    NoticeState,
    PropertyKind,
    ReliefKind,
    ReplyOutcome,
)
from .periods import period_refusal

ITEM_ROWS = 3
RESULT_ROWS = 2
MAX_ROWS = 30
ACCEPTED_SCANS = ".pdf,.png,.jpg,.jpeg,.tif,.tiff"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several scans in one input; the content checks (type, size) are the service's."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_SCANS}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)]


def rows_formset(form_class, prefix, data=None, files=None, *, rows):
    formset_class = forms.formset_factory(
        form_class, extra=rows, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
    )
    return formset_class(data, files, prefix=prefix)


def filled_rows(formset, fields):
    """The cleaned rows that have anything typed into the given fields; untouched rows are ignored."""
    rows = []
    for form in formset:
        data = getattr(form, "cleaned_data", None) or {}
        if any(data.get(name) not in (None, "") for name in fields):
            rows.append({name: data.get(name) for name in form.fields if data.get(name) not in (None, "")})
    return rows


# ------------------------------------------------------------------------------------------------ drafting


class DraftForm(BootstrapFormMixin, forms.Form):
    measure = forms.ModelChoiceField(
        # A referral for social relief is made from the case's hardship record (assistance/services/relief.py).
        label="协助措施", queryset=Measure.objects.exclude(code="social_relief"), to_field_name="code", empty_label=None
    )
    units = forms.ModelMultipleChoiceField(
        label="协助执行单位",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择至少一个协助执行单位。"},
    )
    debtor = forms.ModelChoiceField(label="被执行人", queryset=None, empty_label=None)
    ruling_number = forms.CharField(
        label="执行裁定书文号",
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "（2026）粤0103执1234号之一"}),
    )
    legal_basis = forms.CharField(
        label="法律依据", max_length=300, required=False, initial=Notice._meta.get_field("legal_basis").default
    )
    note = FormTextField(max_chars=REASON_MAX, label="其他事项", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    ruling_files = MultipleFileField(label="执行裁定书扫描件", help_text="可选；PDF 或图片，可多选。")
    # A locate or vehicle request (查人扣车): the reason and the court's 24-hour contact (services.tracking).
    locate_reason = forms.ChoiceField(label="查找事由", required=False, choices=[("", "请选择"), *LocateReason.choices])
    reason_detail = forms.CharField(label="事由说明", required=False, max_length=REASON_MAX,
                                    help_text="选择“其他”的须写明。")
    contact_person = forms.CharField(label="法院24小时联系人", required=False, max_length=50)
    contact_phone = forms.CharField(label="24小时联系电话", required=False, max_length=30,
                                    help_text="手机或带区号的固定电话，须24小时畅通。")
    plate = forms.CharField(label="号牌号码", required=False, max_length=20, help_text="查扣车辆时填写。")

    def __init__(self, *args, case, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["debtor"].queryset = case.parties.debtors().order_by("position", "id")
        self.fields["debtor"].label_from_instance = lambda party: f"{party.name}（{party.identifier}）"

    def clean(self):
        from .services.tracking import clean_request

        data = super().clean()
        measure = data.get("measure")
        if measure is not None:
            try:
                data["tracking"] = clean_request(measure.code, {
                    "reason": data.get("locate_reason"), "reason_detail": data.get("reason_detail"),
                    "contact_person": data.get("contact_person"), "contact_phone": data.get("contact_phone"),
                    "plate": data.get("plate")})
            except ApplicationError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


class NoticeItemForm(BootstrapFormMixin, forms.Form):
    property_kind = forms.ChoiceField(label="财产类型", required=False, choices=[("", "—"), *PropertyKind.choices])
    identifier = forms.CharField(label="账号/证号/车牌号", max_length=100, required=False)
    holder = forms.CharField(label="登记机构或开户行", max_length=100, required=False)
    amount = forms.DecimalField(label="金额（元）", required=False, min_value=0, max_digits=16, decimal_places=2)
    share = forms.CharField(label="份额", max_length=50, required=False)
    period_months = forms.IntegerField(label="期限（月）", required=False)
    description = forms.CharField(
        label="协助事项",
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "如：查询被执行人名下银行账户及存款余额"}),
    )

    def clean(self):
        data = super().clean()
        if refusal := period_refusal(data.get("property_kind"), data.get("period_months")):
            self.add_error("period_months", refusal)
        return data


ITEM_CONTENT_FIELDS = ("identifier", "holder", "amount", "share", "period_months", "description")


# ------------------------------------------------------------------------------------------- the reply


class ReplyForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label="办理结果", choices=ReplyOutcome.choices)
    text = FormTextField(
        max_chars=TEXT_MAX,
        label="说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="部分办理或无法办理的，须写明原因。",
    )
    attachments = MultipleFileField(label="回执及盖章材料", help_text="PDF 或图片扫描件，可多选，最多10个。")


class ResultForm(BootstrapFormMixin, forms.Form):
    """One structured result line; the page shows only the fields of the notice's measure."""

    property_kind = forms.ChoiceField(label="财产类型", required=False, choices=[("", "—"), *PropertyKind.choices])
    identifier = forms.CharField(label="账号/证号/车牌号", max_length=100, required=False)
    institution = forms.CharField(label="登记机构或开户行", max_length=100, required=False)
    value = forms.DecimalField(label="价值或余额（元）", required=False, min_value=0, max_digits=16, decimal_places=2)
    encumbrances = forms.CharField(label="已有权利负担", max_length=300, required=False)
    amount = forms.DecimalField(
        label="冻结/扣划金额（元）", required=False, min_value=0, max_digits=16, decimal_places=2
    )
    start_on = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_on = forms.DateField(label="届满日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(label="地点", max_length=200, required=False)
    found_at = forms.DateTimeField(
        label="发现时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    registration_number = forms.CharField(label="登记编号", max_length=100, required=False)
    marital_status = forms.ChoiceField(label="婚姻状况", required=False, choices=[("", "—"), *MaritalStatus.choices])
    spouse_name = forms.CharField(label="配偶姓名", max_length=100, required=False)
    spouse_id_number = forms.CharField(label="配偶公民身份号码", max_length=18, required=False)
    married_on = forms.DateField(label="结婚登记日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    divorced_on = forms.DateField(label="离婚日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text="婚姻状况为“离婚”的填写（登记离婚日或判决、调解生效日）。")
    registry = forms.CharField(label="婚姻登记机关", max_length=100, required=False)
    relief_accepted = forms.ChoiceField(label="是否予以救助", required=False,
                                        choices=[("", "—"), ("yes", "予以救助"), ("no", "不予救助")])
    relief_kind = forms.ChoiceField(label="救助类别", required=False, choices=[("", "—"), *ReliefKind.choices])
    relief_amount = forms.DecimalField(label="救助金额（元）", required=False, min_value=0, max_digits=16,
                                       decimal_places=2, help_text="予以救助的必填。")
    declined_reason = FormTextField(max_chars=REASON_MAX, label="不予救助理由", required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}), help_text="不予救助的必填。")


# ------------------------------------------------------------------------------------- the court's moves


class ServeForm(BootstrapFormMixin, forms.Form):
    served_at = forms.DateTimeField(
        label="送达时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="留空为现在；纸质送达的，填写实际送达时间。",
    )

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice

    def clean_served_at(self):
        served_at = self.cleaned_data["served_at"]
        if served_at is None:
            return None
        if served_at > timezone.now():
            raise forms.ValidationError("送达时间不能晚于现在。")
        if self.notice is not None and self.notice.signed_at and served_at < self.notice.signed_at:
            raise forms.ValidationError("送达时间不能早于签发时间。")
        return served_at


class CloseForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="办结说明", required=False, max_length=500)


class LiftForm(BootstrapFormMixin, forms.Form):
    ground = forms.ChoiceField(label="解除原因", choices=[("", "请选择"), *LiftGround.choices], required=False)
    ruling_number = forms.CharField(label="解除裁定书文号", required=False, max_length=60,
                                    widget=forms.TextInput(attrs={"placeholder": "如：（2026）粤0103执123号之一"}))
    reason = forms.CharField(label="说明", required=False, max_length=500)


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="退回理由", required=False, max_length=500)


class ResubmitForm(BootstrapFormMixin, forms.Form):
    """A returned draft's correction: the fields a draft may change, filled with what it says now."""

    ruling_number = forms.CharField(label="执行裁定书文号", max_length=60)
    legal_basis = forms.CharField(label="法律依据", max_length=300)
    note = forms.CharField(label="其他事项", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, notice=None, **kwargs):
        if notice is not None and not args:
            kwargs.setdefault("initial", {"ruling_number": notice.ruling_number, "legal_basis": notice.legal_basis,
                                          "note": notice.note})
        super().__init__(*args, **kwargs)
        if notice is not None and notice.measure.code == "social_relief":  # a referral letter cites no ruling
            self.fields["ruling_number"].required = False


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="撤回理由", required=False, max_length=500)


class ExtensionDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="决定",
        choices=[("grant", "同意延期"), ("refuse", "不同意延期")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择同意或不同意。"},
    )
    reason = forms.CharField(label="理由", required=False, max_length=500)


REVIEW_DECISIONS = [
    ("not_upheld", "不成立（继续协助执行，期限不变）"),
    ("withdrawn", "成立，撤回通知书"),
    ("amended", "成立，修改后重新发出"),
]


class ReviewDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="审查结论",
        choices=REVIEW_DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择审查结论。"},
    )
    reason = forms.CharField(
        label="审查意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


# ------------------------------------------------------------------------------------- the unit's moves


class ExtensionRequestForm(BootstrapFormMixin, forms.Form):
    days = forms.CharField(
        label="延长工作日数", required=False, max_length=3, widget=forms.NumberInput(attrs={"min": 1, "max": 30})
    )
    reason = forms.CharField(
        label="不能按期办理的理由", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewRaiseForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="审查建议",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="协助执行单位可以提出审查建议，但不得拒绝协助；审查期间办理期限照常计算。",
    )


# ------------------------------------------------------------------------------------------------ lists


class NoticeFilterForm(BootstrapFormMixin, forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *NoticeState.choices])
    unit = forms.ModelChoiceField(label="协助单位", required=False, queryset=None, empty_label="全部单位")
    overdue = forms.BooleanField(label="只看已逾期", required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: unit.short_name


# ------------------------------------------------------------------------------ terms and renewals


class RenewalForm(BootstrapFormMixin, forms.Form):
    """A 续行 notice from an expiring one: the new period (default: each item's own) and, if any, a new ruling."""

    period_months = forms.IntegerField(label="续行期限（月）", required=False, min_value=1, max_value=36,
                                       help_text="留空按原期限；不得超过该类财产的法定期限。")
    ruling_number = forms.CharField(label="执行裁定书文号", max_length=60, required=False,
                                    help_text="留空沿用原通知书的裁定书文号。")


class TermEditForm(BootstrapFormMixin, forms.Form):
    start_on = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_on = forms.DateField(label="届满日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="更正理由", required=False, max_length=500)
