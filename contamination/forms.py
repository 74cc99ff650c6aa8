"""Forms of the editors' admin: the bulk upload (the retraction note is in publishing.py)."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from contamination.importers import ACCEPTED_EXTENSIONS, KINDS
from contamination.models import Organisation


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Record kind",
        choices=[(key, kind.label.capitalize()) for key, kind in KINDS.items()],
    )
    file = forms.FileField(
        help_text=(
            "GeoJSON, GeoPackage, a zipped Shapefile, KML or CSV (lon/lat or wkt column), "
            f"at most {filesizeformat(settings.IMPORT_MAX_BYTES)}."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )
    repair = forms.BooleanField(
        label="Repair invalid polygons",
        required=False,
        help_text="Make self-intersecting polygons valid (keeping their polygonal parts) and "
        "list each repaired row, instead of rejecting them.",
    )
    publish = forms.BooleanField(
        label="Publish the imported records",
        required=False,
        help_text="Only for reviewed data: published records appear on the site at once. "
        "Without it, new records are drafts and changes to published records are refused.",
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Used for rows that name no organisation (surveyed by / operator).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is "
                f"{filesizeformat(settings.IMPORT_MAX_BYTES)}."
            )
        return upload
