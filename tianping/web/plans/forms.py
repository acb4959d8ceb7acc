from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from tianping.web.catalogue.models import CatalogueEntry
from tianping.web.catalogue.services import apply_link, sync_builtin
from tianping.web.orgs.models import Department

from .models import Indicator, Measure, Target


class ImportForm(forms.Form):
    document = forms.FileField(label=_("Plan document (.txt, .docx, .doc, .wps or .pdf)"))
    region = forms.ModelChoiceField(label=_("Region of the plan"), queryset=None, required=False,
                                    empty_label=_("Tell from the plan's title"))
    other_region_ok = forms.BooleanField(label=_("Confirm that the plan applies to the chosen region although its "
                                               "title names another"), required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["catalogue", "name", "unit", "direction", "responsible_department", "by_sex", "by_age",
                  "by_residence", "definition", "numerator", "denominator", "multiplier", "data_source", "proxy_for"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        sync_builtin()
        self.fields["catalogue"].queryset = CatalogueEntry.objects.order_by("code")
        self.fields["catalogue"].help_text = _("What the indicator measures. Changing it takes the entry's unit "
                                               "where the plan has none or one that contradicts the kind.")
        not_applicable = {"by_sex": _("Not applicable: the catalogue entry does not count both sexes."),
                          "by_age": _("Not applicable: the catalogue entry has no age groups."),
                          "by_residence": _("Not applicable: the catalogue entry has no urban/rural breakdown.")}
        for flag, key in Indicator.BREAKDOWN_FIELDS:
            if not self.instance.breakdown_applies(key):
                self.fields[flag].disabled = True
                self.fields[flag].help_text = not_applicable[flag]
        plan = self.instance.plan
        if not plan.is_draft:  # names, units and directions change with a revised edition
            for name in ("name", "unit", "direction"):
                self.fields[name].disabled = True
        self.fields["responsible_department"].queryset = Department.objects.filter(region=plan.region, is_active=True)
        self.fields["proxy_for"].queryset = plan.indicators.exclude(pk=self.instance.pk)


    def clean(self):
        """A breakdown ticked that the chosen catalogue entry does not allow is refused, naming it."""
        data = super().clean()
        entry = data.get("catalogue")
        if entry is not None:
            words = {"by_sex": _("sex"), "by_age": _("age group"), "by_residence": _("urban/rural")}
            for flag, key in Indicator.BREAKDOWN_FIELDS:
                if data.get(flag) and key not in (entry.disaggregations or []):
                    self.add_error(flag, _("The catalogue entry “%(entry)s” is not reported by %(breakdown)s: "
                                           "untick it or choose another entry.")
                                   % {"entry": f"{entry.code} {entry.name}", "breakdown": words[flag]})
        return data


# Operators whose target is a number (increase/decrease are directional, qualitative is judged).
VALUELESS_OPS = ("increase", "decrease", "qualitative")


class TargetForm(forms.ModelForm):
    def clean(self):
        """A "≤"/"≥"/"=" … target the office edits or adds needs its number (a range both);
        a parsed target left as it was (e.g. "不低于本级女党员比例") is kept as read."""
        data = super().clean()
        if not self.has_changed() or data.get("DELETE"):
            return data
        op = data.get("op")
        if op and op not in VALUELESS_OPS and data.get("value") is None:
            self.add_error("value", _("A “%(op)s” target needs a value.") % {"op": dict(Target.OP_CHOICES).get(op, op)})
        if op == "range" and data.get("upper") is None:
            self.add_error("upper", _("A range needs its upper value."))
        return data


TargetFormSet = inlineformset_factory(
    Indicator, Target, form=TargetForm, extra=1, can_delete=True,
    fields=["year", "op", "value", "upper", "unit", "base_year", "tolerance", "kind"],
)


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["lead_department", "cooperating_departments"]
        widgets = {"cooperating_departments": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(region=self.instance.area.plan.region, is_active=True)
        self.fields["lead_department"].queryset = departments
        self.fields["cooperating_departments"].queryset = departments

    def clean(self):
        data = super().clean()
        lead = data.get("lead_department")
        if lead and lead in data.get("cooperating_departments", []):
            raise forms.ValidationError(_("The lead department cannot also be a cooperating department."))
        return data


def save_indicator_form(form: IndicatorForm) -> Indicator:
    """Save the form; a catalogue entry the office chose is a manual link and brings its unit,
    direction and definition where the indicator lacks them."""
    indicator = form.save(commit=False)
    if "catalogue" in form.changed_data:
        apply_link(indicator, form.cleaned_data["catalogue"], Indicator.LinkMethod.MANUAL, 1.0)
        if indicator.catalogue is None:
            indicator.unit_note = ""
    indicator.save()
    form.save_m2m()
    return indicator
