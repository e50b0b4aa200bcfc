"""Forms of the case pages. They only shape input: every rule (case number, identifiers, who may file) is the
service's, and a service refusal comes back as a form error through `linkage.forms.run_service`."""

from django import forms

from linkage.text import REASON_MAX, TEXT_MAX, FormTextField
from members.models import Community, Organisation, OrganisationKind

from .models import AbuseFinding, AbuseKind, CaseStatus, NotificationLevel, NotificationMethod, PartyKind

PARTY_FLAG_FIELDS = ("is_deputy", "is_cppcc_member", "is_public_servant", "is_party_government_organ")
# A party row counts as filled when any of these has a value; the rest (kind, flags) have defaults.
PARTY_CONTENT_FIELDS = ("name", "id_number", "credit_code", "legal_representative", "address")
APPLICANT_ROWS = 2
DEBTOR_ROWS = 3
MAX_PARTY_ROWS = 30
COMMUNITY_REFUSED = "户籍或住所地村（居）委会应为本院辖区内在册的村（居）委会。"


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and `is-invalid` on the inputs that have an error, so templates can
    render `{{ field }}` as it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self._errors or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class CaseFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "案号、当事人名称或证件号码"}),
    )
    status = forms.ChoiceField(label="案件状态", required=False, choices=[("", "全部状态"), *CaseStatus.choices])


class CaseForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(
        label="案号",
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "（2026）粤0103执1234号"}),
        help_text="全角或半角括号均可，保存为统一格式。",
    )
    amount = forms.DecimalField(label="申请执行标的（元）", min_value=0, max_digits=16, decimal_places=2)
    filed_on = forms.DateField(label="立案日期", widget=forms.DateInput(attrs={"type": "date"}))
    basis_issuer = forms.CharField(
        label="执行依据作出单位", max_length=100, widget=forms.TextInput(attrs={"placeholder": "广州市荔湾区人民法院"})
    )
    basis_number = forms.CharField(
        label="执行依据文号", max_length=80, widget=forms.TextInput(attrs={"placeholder": "（2025）粤0103民初456号"})
    )
    obligation = FormTextField(
        max_chars=TEXT_MAX,
        label="生效法律文书确定的义务", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    officer_name = forms.CharField(label="承办人", max_length=30, required=False, help_text="留空则为登记人本人。")
    officer_phone = forms.CharField(label="承办人联系电话", max_length=30, required=False)
    is_major = forms.BooleanField(label="重大、疑难、复杂案件", required=False)


class PartyForm(BootstrapFormMixin, forms.Form):
    """One applicant or debtor row. An untouched row is ignored; a filled one goes to the service as a dict."""

    kind = forms.ChoiceField(label="类型", choices=PartyKind.choices, initial=PartyKind.PERSON)
    name = forms.CharField(label="姓名或名称", max_length=100, required=False)
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "18位，自然人填写"}),
    )
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "18位，组织填写"}),
    )
    legal_representative = forms.CharField(label="法定代表人或负责人", max_length=30, required=False)
    address = forms.CharField(label="住所地", max_length=200, required=False)
    is_deputy = forms.BooleanField(label="人大代表", required=False)
    is_cppcc_member = forms.BooleanField(label="政协委员", required=False)
    is_public_servant = forms.BooleanField(label="国家工作人员或国有企业", required=False)
    is_party_government_organ = forms.BooleanField(label="党政机关", required=False)
    subdistrict = forms.ModelChoiceField(
        label="户籍或住所地街道", required=False, queryset=Organisation.objects.none(), empty_label="（未登记）",
        help_text="用于失信名单进社区公示", error_messages={"invalid_choice": "户籍或住所地街道应为本院辖区内的街道（乡镇）。"},
    )

    community = forms.ChoiceField(
        label="户籍或住所地村（居）委会", required=False, choices=(),
        help_text="按户籍地址选择；街道随之确定。村（居）委会不明的，只选街道",
        error_messages={"invalid_choice": COMMUNITY_REFUSED},
    )

    def __init__(self, *args, subdistricts=None, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        if subdistricts is None:  # an applicant's row: nothing is posted in a community about an applicant
            del self.fields["subdistrict"]
            del self.fields["community"]
        else:
            self.fields["subdistrict"].queryset = subdistricts
            self.fields["community"].choices = communities

    def is_filled(self):
        data = getattr(self, "cleaned_data", None) or {}
        return any((data.get(name) or "").strip() for name in PARTY_CONTENT_FIELDS)

    def as_party(self):
        """The row as the service expects it; the identifier that does not fit the kind is left out."""
        data = dict(self.cleaned_data)
        if data.get("community"):  # the community decides the subdistrict (its parent)
            data["subdistrict"] = None
        if data["kind"] == PartyKind.PERSON:
            data["credit_code"] = ""
        else:
            data["id_number"] = ""
        return data


def subdistricts_of(jurisdiction_id):
    """The active subdistricts (街道、乡镇) of a jurisdiction: the choices of a debtor's registered subdistrict."""
    return Organisation.objects.filter(
        kind=OrganisationKind.SUBDISTRICT, active=True, jurisdiction_id=jurisdiction_id
    ).order_by("sort_order", "id")


def community_choices(jurisdiction_id):
    """The choices of a debtor's registered community: the active communities of the jurisdiction by code, grouped
    by their subdistrict (an `<optgroup>` each), after the empty choice."""
    groups = {}
    for community in (Community.objects.active().of_jurisdiction(jurisdiction_id).select_related("subdistrict")
                      .order_by("subdistrict__sort_order", "subdistrict_id", "sort_order", "id")):
        groups.setdefault(community.subdistrict.name, []).append((community.code, community.name))
    return [("", "（未登记，或只登记街道）"), *groups.items()]


def party_formset(role, data=None, *, rows, subdistricts=None, communities=()):
    """A formset of `rows` party rows; posted data decide how many rows there are (the "add a row" button).
    Debtors' rows offer `subdistricts` and `communities` (`community_choices`) for the registration."""
    formset_class = forms.formset_factory(
        PartyForm, extra=rows, max_num=MAX_PARTY_ROWS, absolute_max=MAX_PARTY_ROWS, validate_max=True
    )
    return formset_class(data, prefix=role, form_kwargs={"subdistricts": subdistricts, "communities": communities})


class SubdistrictForm(BootstrapFormMixin, forms.Form):
    """A debtor's registered community (its subdistrict follows) or, the community unknown, subdistrict, set on the
    case's page after filing."""

    community = forms.ChoiceField(label="户籍或住所地村（居）委会", required=False, choices=(),
                                  error_messages={"invalid_choice": COMMUNITY_REFUSED})
    subdistrict = forms.ModelChoiceField(
        label="户籍或住所地街道", required=False, queryset=Organisation.objects.none(), empty_label="（未登记）",
        error_messages={"invalid_choice": "户籍或住所地街道应为本院辖区内的街道（乡镇）。"},
    )

    def __init__(self, *args, subdistricts, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].queryset = subdistricts
        self.fields["community"].choices = communities
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)


class CaseStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label="案件状态", choices=CaseStatus.choices)
    reason = forms.CharField(
        label="说明",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "如：被执行人已履行完毕"}),
    )
    lifting_ruling_number = forms.CharField(
        label="解除裁定书文号",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "如：（2026）粤0103执123号之一"}),
        help_text="执行完毕、终结的，有协助措施在用时必填",
    )


class SpecialNotificationForm(BootstrapFormMixin, forms.Form):
    """The body a special-debtor notification goes to (from the jurisdiction's roster, or typed) and, with the
    "记录通报" button, the record of its sending. Parsing only: `cases.special` holds the rules."""

    unit = forms.ModelChoiceField(label="通报对象（名册）", required=False, queryset=Organisation.objects.none(),
                                  empty_label="（名册外，填写名称）",
                                  error_messages={"invalid_choice": "通报对象应为本辖区名册中的单位。"})
    name = forms.CharField(label="通报对象名称", max_length=100, required=False)
    level = forms.ChoiceField(label="层级", required=False, choices=[("", "（层级）"), *NotificationLevel.choices])
    done_on = forms.DateField(label="通报日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label="通报方式", required=False, choices=[("", "（方式）"), *NotificationMethod.choices])
    document_number = forms.CharField(label="通报文书文号", max_length=80, required=False)
    note = FormTextField(max_chars=REASON_MAX, label="通报情况", required=False)

    def __init__(self, *args, roster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = roster
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-label", field.label)
            if name in ("name", "document_number", "note"):
                field.widget.attrs.setdefault("placeholder", field.label)
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} form-control-sm".strip()


class AbuseFindingForm(BootstrapFormMixin, forms.Form):
    """A finding of abuse of process against a party of the case (云府 item 17); `cases.abuse` holds the rules."""

    party = forms.TypedChoiceField(label="当事人", coerce=int, choices=())
    kind = forms.ChoiceField(label="行为类型", choices=AbuseKind.choices)
    facts = FormTextField((AbuseFinding, "facts"), widget=forms.Textarea(attrs={"rows": 2}))
    ruling_number = forms.CharField(label="认定文书文号", max_length=60,
                                    widget=forms.TextInput(attrs={"placeholder": "如：（2026）粤5302民初12号之一"}))
    ruled_on = forms.DateField(label="认定日期", widget=forms.DateInput(attrs={"type": "date"}))
    ruling_court = forms.CharField(label="作出认定的法院", max_length=100)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, f"{p.name}（{p.get_role_display()}）") for p in parties]


class AbuseWithdrawForm(BootstrapFormMixin, forms.Form):
    reason = FormTextField((AbuseFinding, "withdraw_reason"), label="撤回理由")
