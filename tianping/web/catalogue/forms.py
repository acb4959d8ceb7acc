from django import forms
from django.utils.translation import gettext_lazy as _

from tianping.core import catalogue as core

from .models import CatalogueEntry, ValidationRule


class EntryForm(forms.ModelForm):
    """An office's own catalogue entry: checked by the same rules as the package file."""

    aliases_text = forms.CharField(label=_("aliases (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    disaggregation_choices = forms.MultipleChoiceField(
        label=_("disaggregations that apply"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[("sex", _("sex")), ("age", _("age group")), ("residence", _("urban/rural"))])

    class Meta:
        model = CatalogueEntry
        fields = ["code", "name", "outline", "area", "definition", "kind", "unit", "multiplier", "numerator",
                  "denominator", "population", "age_band", "low", "high", "direction", "lead", "source"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 2})}

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not code.startswith("X"):
            raise forms.ValidationError(_("An office's own code starts with X (e.g. X-001); W and C codes belong to the package catalogue."))
        return code

    def clean(self):
        data = super().clean()
        data["aliases"] = [a.strip() for a in data.get("aliases_text", "").splitlines() if a.strip()]
        data["disaggregations"] = list(data.get("disaggregation_choices", []))
        fields = {k: data.get(k) for k in ("code", "name", "kind", "population", "direction")}
        fields.update(disaggregations=data["disaggregations"],
                      range=[v for v in (data.get("low"), data.get("high")) if v is not None])
        try:
            core.entry_from_dict(fields)
        except core.CatalogueError as err:
            raise forms.ValidationError(str(err)) from None
        return data

    def save(self, commit=True):
        entry = super().save(commit=False)
        entry.aliases = self.cleaned_data["aliases"]
        entry.disaggregations = self.cleaned_data["disaggregations"]
        entry.builtin = False
        if commit:
            entry.save()
        return entry


class RuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ["name", "left", "op", "right", "right_value", "message"]

    def clean(self):
        data = super().clean()
        if (data.get("right") is None) == (data.get("right_value") is None):
            raise forms.ValidationError(_("Give the right side either as an indicator or as a value, not both."))
        return data
