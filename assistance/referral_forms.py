"""Forms of the referral pages (assistance/views/referrals.py): each gives its service its arguments; the services
check everything again."""

from django import forms

from linkage.text import REASON_MAX, TEXT_MAX

from .referral_models import DisciplineAnswer, SupervisionOutcome

EVIDENCE_HELP = "每行一项：证据名称｜页码或说明，例如“财产报告令及送达回证｜第1-3页”。"
_TEXTAREA = {"class": "form-control", "rows": 4}


def evidence_lines(text):
    """The textarea's lines as the evidence list the service parses ("名称｜说明", the bar optional)."""
    lines = []
    for raw in (text or "").splitlines():
        name, _, description = raw.replace("|", "｜").partition("｜")
        if name.strip() or description.strip():
            lines.append({"name": name.strip(), "description": description.strip()})
    return lines


class _DraftForm(forms.Form):
    facts = forms.CharField(label="事实", max_length=TEXT_MAX, widget=forms.Textarea(attrs=_TEXTAREA))
    evidence = forms.CharField(label="证据清单", max_length=TEXT_MAX, help_text=EVIDENCE_HELP,
                               widget=forms.Textarea(attrs=_TEXTAREA))

    def __init__(self, *args, parties, units, party_field, unit_field, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[party_field] = forms.ModelChoiceField(parties, label="被执行人",
                                                          widget=forms.Select(attrs={"class": "form-select"}))
        self.fields[unit_field] = forms.ModelChoiceField(units, label="移送单位",
                                                         widget=forms.Select(attrs={"class": "form-select"}))

    def clean_evidence(self):
        return evidence_lines(self.cleaned_data["evidence"])


class CrimeDraftForm(_DraftForm):
    def __init__(self, *args, parties, units, **kwargs):
        super().__init__(*args, parties=parties, units=units, party_field="debtor", unit_field="police", **kwargs)


class DisciplineDraftForm(_DraftForm):
    ruling_number = forms.CharField(label="执行依据文号", max_length=60,
                                    widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, parties, units, **kwargs):
        super().__init__(*args, parties=parties, units=units, party_field="party", unit_field="unit", **kwargs)


class FilingForm(forms.Form):
    case_number = forms.CharField(label="立案编号", max_length=60, widget=forms.TextInput(attrs={"class": "form-control"}))
    filed_on = forms.DateField(label="立案日期", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))


class RefusalForm(forms.Form):
    decision_number = forms.CharField(label="不予立案决定书文号", max_length=60,
                                      widget=forms.TextInput(attrs={"class": "form-control"}))
    reasons = forms.CharField(label="不予立案理由", max_length=REASON_MAX, widget=forms.Textarea(attrs=_TEXTAREA))


class SupervisionRequestForm(forms.Form):
    reasons = forms.CharField(label="提请监督理由", max_length=REASON_MAX, widget=forms.Textarea(attrs=_TEXTAREA))


class SupervisionAnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="监督结果", choices=SupervisionOutcome.choices,
                                widget=forms.Select(attrs={"class": "form-select"}))
    text = forms.CharField(label="答复内容", max_length=REASON_MAX, widget=forms.Textarea(attrs=_TEXTAREA))


class DisciplineAnswerForm(forms.Form):
    answer = forms.ChoiceField(label="处理结果", choices=DisciplineAnswer.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))
    text = forms.CharField(label="答复内容", max_length=REASON_MAX, widget=forms.Textarea(attrs=_TEXTAREA))
