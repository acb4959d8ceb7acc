from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import QualitativeJudgement

# Evidence files: extension → the bytes such a file starts with.
EVIDENCE_TYPES = {".pdf": (b"%PDF",), ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",),
                  ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",)}
MAX_ATTACHMENTS = 10


class AcknowledgeForm(forms.Form):
    explanation = forms.CharField(label=_("Explanation (cause)"), widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=4000)
    measure = forms.CharField(label=_("Measure taken"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class CloseForm(forms.Form):
    text = forms.CharField(label=_("Office note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(EVIDENCE_TYPES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def check_evidence_file(upload) -> None:
    """Size and type (by extension and by the file's first bytes); errors name the file."""
    name = upload.name
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(_("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": limit // (1024 * 1024)})
    suffix = Path(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise forms.ValidationError(_("%(name)s: only PDF, Word (.docx), Excel (.xlsx), JPEG and PNG files are accepted.")
                                    % {"name": name})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in EVIDENCE_TYPES[suffix]):
        raise forms.ValidationError(_("%(name)s is not a real %(kind)s file.") % {"name": name, "kind": suffix[1:].upper()})


class JudgementForm(forms.ModelForm):
    attachments = MultipleFileField(label=_("Evidence files"), required=False)

    class Meta:
        model = QualitativeJudgement
        fields = ["verdict", "evidence"]
        widgets = {"verdict": forms.RadioSelect, "evidence": forms.Textarea(attrs={"rows": 5})}

    def clean_evidence(self):
        text = self.cleaned_data["evidence"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("Describe the evidence in at least ten characters."))
        return text

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("At most %(n)s files at once.") % {"n": MAX_ATTACHMENTS})
        for upload in files:
            check_evidence_file(upload)
        return files
