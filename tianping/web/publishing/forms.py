from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.web.collection.models import DepartmentReport
from tianping.web.plans.models import Plan

from .models import Report

TEXT_LIMIT = 20000   # characters per free-text section


class NewReportForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in Report.Kind.choices if c[0] != "department"])
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()


class SectionsForm(forms.Form):
    problems = forms.CharField(label=_("Main problems"), required=False, max_length=TEXT_LIMIT,
                               widget=forms.Textarea(attrs={"rows": 6}))
    recommendations = forms.CharField(label=_("Recommendations"), required=False, max_length=TEXT_LIMIT,
                                      widget=forms.Textarea(attrs={"rows": 6}))


class StepForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    confirm_incomplete = forms.BooleanField(label=_("Publish although the data are incomplete"), required=False)


class SelfEvaluationForm(forms.ModelForm):
    class Meta:
        model = DepartmentReport
        fields = ["progress", "problems", "next_steps"]
        widgets = {f: forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_LIMIT})
                   for f in ("progress", "problems", "next_steps")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].required = True   # a self-evaluation says what was done

    def clean(self):
        data = super().clean()
        for name in ("progress", "problems", "next_steps"):
            if len(data.get(name) or "") > TEXT_LIMIT:
                self.add_error(name, _("At most %(n)s characters.") % {"n": TEXT_LIMIT})
        return data
