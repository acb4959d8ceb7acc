from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department
from .permissions import regions_visible_to


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["region", "name", "kind"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_visible_to(user)
        self.fields["region"].initial = user.region_id

    def clean(self):
        data = super().clean()
        if Department.objects.filter(region=data.get("region"), name=data.get("name")).exists():
            raise forms.ValidationError(_("This region already has a department of that name."))
        return data
