from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.core import scorecard as core
from tianping.web.monitoring.forms import (
    MAX_ATTACHMENTS,
    MultipleFileField,
    check_evidence_file,
)


def _check_files(files):
    if len(files) > MAX_ATTACHMENTS:
        raise forms.ValidationError(_("At most %(n)s files at once.") % {"n": MAX_ATTACHMENTS})
    for upload in files:
        check_evidence_file(upload)   # size, extension and the file's first bytes
    return files


class RuleForm(forms.Form):
    """One field per weight and parameter of core.scorecard.ScoreRule."""

    reason = forms.CharField(label=_("Reason for the change"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rule: core.ScoreRule, **kwargs):
        super().__init__(*args, **kwargs)
        for key in core.COMPONENTS:
            self.fields[f"w_{key}"] = forms.FloatField(label=core.COMPONENT_NAMES[key], min_value=0, max_value=100,
                                                       initial=rule.weights[key])
        for key in core.STATUS_CLASSES:
            self.fields[f"p_{key}"] = forms.FloatField(label=core.CLASS_NAMES[key], min_value=0, max_value=100,
                                                       initial=rule.status_points[key])
        self.fields["late_credit"] = forms.FloatField(label=_("Points for a late submission"), min_value=0,
                                                      max_value=100, initial=rule.late_credit)
        self.fields["return_penalty"] = forms.FloatField(label=_("Points off per return"), min_value=0,
                                                         max_value=100, initial=rule.return_penalty)
        self.fields["warning_days"] = forms.IntegerField(label=_("Days to explain a warning"), min_value=1,
                                                         max_value=365, initial=rule.warning_days)
        self.fields["correction_penalty"] = forms.FloatField(label=_("Points off per overdue correction"),
                                                             min_value=0, max_value=100,
                                                             initial=rule.correction_penalty)
        self.order_fields([f for f in self.fields if f != "reason"] + ["reason"])

    def rule_data(self) -> dict:
        d = self.cleaned_data
        return {"weights": {k: d[f"w_{k}"] for k in core.COMPONENTS},
                "status_points": {k: d[f"p_{k}"] for k in core.STATUS_CLASSES},
                "late_credit": d["late_credit"], "return_penalty": d["return_penalty"],
                "warning_days": d["warning_days"], "correction_penalty": d["correction_penalty"]}


class InspectionForm(forms.Form):
    date = forms.DateField(label=_("Inspection date"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.CharField(label=_("Inspectors"), max_length=300)
    departments = forms.ModelMultipleChoiceField(label=_("Departments visited"), queryset=None,
                                                 widget=forms.CheckboxSelectMultiple)
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Evidence files"), required=False)

    CORRECTION_ROWS = 5

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments
        for n in range(1, self.CORRECTION_ROWS + 1):
            self.fields[f"c{n}_department"] = forms.ModelChoiceField(
                label=_("Department responsible"), queryset=departments, required=False)
            self.fields[f"c{n}_requirement"] = forms.CharField(
                label=_("Required correction"), max_length=2000, required=False,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"c{n}_deadline"] = forms.DateField(
                label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def correction_rows(self):
        return [(self[f"c{n}_department"], self[f"c{n}_requirement"], self[f"c{n}_deadline"])
                for n in range(1, self.CORRECTION_ROWS + 1)]

    def clean_attachments(self):
        return _check_files(self.cleaned_data.get("attachments") or [])

    def clean(self):
        data = super().clean()
        corrections = []
        for n in range(1, self.CORRECTION_ROWS + 1):
            dept, text, deadline = (data.get(f"c{n}_department"), (data.get(f"c{n}_requirement") or "").strip(),
                                    data.get(f"c{n}_deadline"))
            if not (dept or text or deadline):
                continue
            if not (dept and text and deadline):
                self.add_error(f"c{n}_requirement",
                               _("Correction %(n)s: give the department, the requirement and the deadline.") % {"n": n})
                continue
            corrections.append({"department": dept, "requirement": text, "deadline": deadline})
        data["corrections"] = corrections
        return data


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("What was corrected"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Evidence files"), required=False)

    def clean_attachments(self):
        return _check_files(self.cleaned_data.get("attachments") or [])


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    attachments = MultipleFileField(label=_("Evidence files"), required=False)

    def clean_attachments(self):
        return _check_files(self.cleaned_data.get("attachments") or [])
