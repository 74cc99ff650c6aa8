"""The editors' admin: map widgets over the boundaries, publish/retract, history, bulk upload.

Editors (the `Editors` group) add, change and publish records but never delete them: a
record that should go is retracted with a public note. Only superusers may delete.
"""

import csv
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.gis.db.models import GeometryField
from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db.models import Count, Max, URLField, Value
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from leaflet.admin import LeafletGeoAdmin

from contamination.forms import ImportUploadForm
from contamination.geojson import SimplifyPreserveTopology, feature_collection
from contamination.history import changes_since
from contamination.importers import KINDS, ImportRejected, StoredUpload
from contamination.importers import jobs as import_jobs
from contamination.models import (
    AdminArea,
    Casualty,
    CasualtyEvent,
    HazardArea,
    HazardAreaSource,
    ImportJob,
    Incident,
    IncidentSource,
    LandRelease,
    LandReleaseSource,
    Organisation,
    Source,
)
from contamination.publishing import PublishingAdminMixin
from contamination.spreadsheets import EscapingWriter

UPLOAD_SESSION_KEY = "contamination_import_uploads"
UPLOAD_DIRECTORY = Path(tempfile.gettempdir()) / "mineatlas-uploads"
UPLOAD_MAX_AGE_SECONDS = 24 * 3600
KIND_BY_MODEL = {kind.model: key for key, kind in KINDS.items()}


class BoundariesMapMixin:
    """Leaflet map widgets that draw the admin-area boundaries under what the editor draws."""

    # Tiles cannot always load; the boundaries make the map readable without them.
    settings_overrides = {"DEFAULT_CENTER": (40.0, 47.0), "DEFAULT_ZOOM": 7}
    change_form_template = "admin/contamination/record_change_form.html"

    class Media:
        js = ["admin-extra/boundaries.js"]
        css = {"all": ["admin-extra/admin.css"]}


class CitationInline(admin.TabularInline):
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name = "source cited"
    verbose_name_plural = "sources cited"


class HazardAreaSourceInline(CitationInline):
    model = HazardAreaSource


class LandReleaseSourceInline(CitationInline):
    model = LandReleaseSource


class IncidentSourceInline(CitationInline):
    model = IncidentSource


class CasualtyInline(admin.TabularInline):
    model = Casualty
    extra = 1
    fields = ["outcome", "group", "sex", "age_band"]
    verbose_name_plural = "casualties (one row per person killed or injured; never names)"


class RecordAdmin(PublishingAdminMixin, BoundariesMapMixin, LeafletGeoAdmin):
    """Shared by the three record kinds."""

    list_per_page = 50
    search_fields = ["reference"]
    change_list_template = "admin/contamination/record_change_list.html"
    object_history_template = "admin/contamination/record_history.html"
    # Status changes go through the publish and retract actions only, so that publishing is
    # a deliberate step and a retraction always has its note (never a silent unpublish).
    publication_readonly = [
        "publication_status",
        "retraction_note",
        "published_at",
        "retracted_at",
        "created_at",
        "updated_at",
    ]
    publication_fieldset = (
        "Publication",
        {
            "fields": [
                "publication_status",
                # The English note is written by the retract action; its translations here.
                ("retraction_note", "retraction_note_az", "retraction_note_ru"),
                "is_demo",
                "published_at",
                "retracted_at",
                "created_at",
                "updated_at",
            ],
            "description": "New records are drafts, visible only here. Publish them with the "
            "“Publish” action in the list once reviewed: published records appear on the site, "
            "in the API and in statistics. To withdraw a published record, use the “Retract” "
            "action, which asks for a public note.",
        },
    )

    def view_on_site(self, obj):
        # Only published records have a public page; drafts and retractions would 404 there.
        if not obj.is_published:
            return None
        try:
            return obj.get_absolute_url()
        except NoReverseMatch:  # the public pages are not installed
            return None

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        # Lists of choices (hazard types, blocked land use) as checkboxes, not a text box
        # where editors would have to know the stored values.
        if isinstance(db_field, ArrayField) and db_field.base_field.choices:
            return forms.TypedMultipleChoiceField(
                choices=db_field.base_field.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # Deleting public data is a retraction: only superusers may really delete.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Status", ordering="publication_status")
    def status_badge(self, obj):
        return format_html(
            '<span class="publication-status publication-status-{}">{}</span>',
            obj.publication_status,
            obj.get_publication_status_display(),
        )

    # --- history ---------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such record.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "module_name": str(self.model._meta.verbose_name_plural).capitalize(),
            "events": history_events(obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    # --- bulk upload -----------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "import/",
                # Exempt from the CSRF middleware only so that the size checks below run before
                # anything reads the body; import_entry applies csrf_protect itself.
                self.admin_site.admin_view(csrf_exempt(self.import_entry)),
                name=f"{self.model._meta.app_label}_{self.model._meta.model_name}_import",
            ),
            path(
                "import/jobs/<uuid:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{self.model._meta.app_label}_{self.model._meta.model_name}_import_job",
            ),
            path(
                "import/jobs/<uuid:job_id>/status.json",
                self.admin_site.admin_view(self.import_job_status_view),
                name=f"{self.model._meta.app_label}_{self.model._meta.model_name}_import_status",
            ),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{self.model._meta.app_label}_{self.model._meta.model_name}_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        """A CSV with every column of this record kind and one example row."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        kind = KINDS[KIND_BY_MODEL[self.model]]
        example_geometry = {
            "Point": ["46.93", "40.01"],
            "Polygon": ["POLYGON((46.9 40,46.91 40,46.91 40.01,46.9 40.01,46.9 40))"],
        }
        point = kind.geometry_types == ("Point",)
        header = [column.name for column in kind.columns]
        header += ["lon", "lat"] if point else ["wkt"]
        # The example casualties use the casualties column, so the count columns stay empty.
        row = [
            "" if column.name.startswith(("killed_", "injured_")) else column.example
            for column in kind.columns
        ]
        row += example_geometry["Point" if point else "Polygon"]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{kind.key}-template.csv"'
        writer = EscapingWriter(csv.writer(response))
        writer.writerow(header)
        writer.writerow(row)
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_url": reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_import"
            ),
        }
        return super().changelist_view(request, extra_context)

    def import_entry(self, request):
        """Refuse an oversized upload before its body is read, then run the CSRF-checked view."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            too_large = upload_too_large(request)
            if too_large:
                form = ImportUploadForm(initial={"kind": KIND_BY_MODEL[self.model]})
                return self.render_import(request, form, None, None, 413, error=too_large)
            # The body may still hold more than it announced: stop storing a file at the limit.
            request.upload_handlers.insert(0, ImportSizeLimitHandler(request))
        return csrf_protect(self.import_view)(request)

    def import_view(self, request):
        """Upload → dry-run report → confirm, with the file kept under a session token."""
        if request.method == "POST" and "confirm" in request.POST:
            return self.import_confirm(request)
        if request.method == "POST" and "cancel" in request.POST:
            discard_upload(request, request.POST.get("token", ""))
            self.message_user(request, "Import cancelled; nothing was written.")
            return redirect(request.path)
        status = 200
        report = token = None
        form = ImportUploadForm(initial={"kind": KIND_BY_MODEL[self.model]})
        if request.method == "POST":
            if getattr(request, "import_upload_too_large", False):
                message = (
                    "The file is larger than the limit of "
                    f"{filesizeformat(settings.IMPORT_MAX_BYTES)} (IMPORT_MAX_BYTES). "
                    "Split it into smaller files."
                )
                return self.render_import(request, form, None, None, 413, error=message)
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                job, error = self.import_check(request, form.cleaned_data)
                if error:
                    form.add_error("file", error)
                else:
                    return redirect(self.import_job_url(job))
            status = 400
        return self.render_import(request, form, report, token, status)

    def import_job_url(self, job):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import_job", args=[job.pk])

    def get_import_job(self, request, job_id):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        job = ImportJob.objects.filter(pk=job_id).select_related("organisation").first()
        # Editors see their own jobs; superusers every job.
        if job is None or (job.created_by_id != request.user.pk and not request.user.is_superuser):
            raise Http404("No such import job.")
        return import_jobs.refresh(job)

    def import_job_view(self, request, job_id):
        """A job's progress while it runs; its report (and the confirm form) when done."""
        job = self.get_import_job(request, job_id)
        form = ImportUploadForm(initial={"kind": KIND_BY_MODEL[self.model]})
        report = import_jobs.report_from(job)
        if job.status == ImportJob.Status.FAILED:
            return self.render_import(request, form, None, None, 200, error=job.error, job=job)
        if not job.is_finished:
            return self.render_import(request, form, None, None, 200, job=job)
        if not job.is_dry_run and report.ok:
            self.message_user(request, report.summary(), messages.SUCCESS)
            model = KINDS[job.kind].model
            return redirect(
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            )
        token = None
        if job.is_dry_run and report.ok:
            for key, stored in request.session.get(UPLOAD_SESSION_KEY, {}).items():
                if stored.get("job") == str(job.pk):
                    token = key
        return self.render_import(request, form, report, token, 200, job=job)

    def import_job_status_view(self, request, job_id):
        """The job's state as JSON, polled by admin-extra/import-job.js."""
        job = self.get_import_job(request, job_id)
        return JsonResponse(
            {
                "status": job.status,
                "stage": job.stage,
                "rows_done": job.rows_done,
                "rows_total": job.rows_total,
                "percent": job.percent,
                "finished": job.is_finished,
            }
        )

    def render_import(self, request, form, report, token, status, error=None, job=None):
        context = {
            "job": job,
            "job_status_url": (
                reverse(
                    f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}"
                    "_import_status",
                    args=[job.pk],
                )
                if job
                else None
            ),
            **self.admin_site.each_context(request),
            "title": "Import records from a file",
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "token": token,
            "error": error,
            "kinds": KINDS,
            "current_kind": KIND_BY_MODEL[self.model],
            "template_urls": {
                key: reverse(
                    f"admin:{kind.model._meta.app_label}_{kind.model._meta.model_name}_template"
                )
                for key, kind in KINDS.items()
            },
            "max_size": filesizeformat(settings.IMPORT_MAX_BYTES),
        }
        return TemplateResponse(request, "admin/contamination/import.html", context, status=status)

    def import_check(self, request, data):
        """Store the upload and start its dry run as a job; return (job, file error)."""
        sweep_old_uploads()
        token = secrets.token_urlsafe(24)
        directory = UPLOAD_DIRECTORY / token
        directory.mkdir(parents=True, mode=0o700)
        uploaded = data["file"]
        try:
            upload = StoredUpload.from_chunks(
                uploaded.chunks(), uploaded.name, size=uploaded.size, directory=directory
            )
        except ImportRejected as error:
            shutil.rmtree(directory, ignore_errors=True)
            return None, str(error)
        organisation = data["organisation"]
        job = ImportJob.objects.create(
            kind=data["kind"],
            file_name=upload.original_name,
            upload_directory=str(directory),
            is_dry_run=True,
            repair=data["repair"],
            publish=data["publish"],
            organisation=organisation,
            created_by=request.user,
        )
        uploads = request.session.get(UPLOAD_SESSION_KEY, {})
        uploads[token] = {"name": upload.original_name, "job": str(job.pk)}
        request.session[UPLOAD_SESSION_KEY] = uploads
        request.session.save()  # before the job starts: an in-process job may take a while
        import_jobs.start(job)
        return job, None

    def import_confirm(self, request):
        """Start the import a successful dry run described, as a job of its own."""
        token = request.POST.get("token", "")
        stored = request.session.get(UPLOAD_SESSION_KEY, {}).get(token)
        form = ImportUploadForm(initial={"kind": KIND_BY_MODEL[self.model]})
        check = None
        if stored is not None:
            check = ImportJob.objects.filter(
                pk=stored["job"], created_by=request.user, status=ImportJob.Status.DONE
            ).first()
        report = import_jobs.report_from(check) if check else None
        if report is None or not report.ok:
            return self.render_import(
                request,
                form,
                None,
                None,
                400,
                error="This upload is no longer available (already imported, cancelled or "
                "expired). Upload the file again.",
            )
        if check.publish and not self.has_publish_permission(request):
            raise PermissionDenied
        # The token is spent now: the folder goes with the import job, which removes it.
        uploads = request.session[UPLOAD_SESSION_KEY]
        del uploads[token]
        request.session[UPLOAD_SESSION_KEY] = uploads
        request.session.save()
        job = ImportJob.objects.create(
            kind=check.kind,
            file_name=check.file_name,
            upload_directory=check.upload_directory,
            is_dry_run=False,
            repair=check.repair,
            publish=check.publish,
            organisation=check.organisation,
            expected_digest=check.report["digest"],
            created_by=request.user,
        )
        import_jobs.start(job)
        return redirect(self.import_job_url(job))


class ImportSizeLimitHandler(FileUploadHandler):
    """Skips an uploaded file as soon as it passes IMPORT_MAX_BYTES, and says so on the request."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_BYTES:
            self.request.import_upload_too_large = True
            raise SkipFile("The file is over the import size limit.")
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers store the file


def upload_too_large(request):
    """A message when the request body is over the limit, checked before it is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "The upload's length cannot be read."
    # Allow for the multipart envelope and the other form fields.
    if length > settings.IMPORT_MAX_BYTES + 64 * 1024:
        return (
            f"The file is larger than the limit of {filesizeformat(settings.IMPORT_MAX_BYTES)}"
            " (IMPORT_MAX_BYTES). Split it into smaller files."
        )
    return None


def discard_upload(request, token):
    uploads = request.session.get(UPLOAD_SESSION_KEY, {})
    if token in uploads:
        del uploads[token]
        request.session[UPLOAD_SESSION_KEY] = uploads
        # Only a token this session created names a folder: never a path from the request.
        shutil.rmtree(UPLOAD_DIRECTORY / token, ignore_errors=True)


def sweep_old_uploads():
    """Remove uploads nobody confirmed or cancelled within a day."""
    if not UPLOAD_DIRECTORY.is_dir():
        return
    limit = time.time() - UPLOAD_MAX_AGE_SECONDS
    for folder in UPLOAD_DIRECTORY.iterdir():
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


# --- history ---------------------------------------------------------------------------

HIDDEN_HISTORY_FIELDS = {"id", "updated_at", "created_at"}


def history_events(obj):
    """Every recorded version of `obj` (and, for incidents, of its casualties), newest first.

    Each item: when, who (user name or the import file), what happened, the fields that
    changed with their old and new values, and what the public saw of it (the change the
    changelog and the API report, from history.changes_since; empty for a draft's edits). A
    fixed number of queries, whatever the number of events: the events, the public changes,
    the casualties' events, the users, one per related model.
    """
    public = {change.event_id: change for change in changes_since(record=obj)}
    event_model = obj.events.model
    events = list(obj.events.select_related("pgh_context").order_by("pgh_created_at", "pgh_id"))
    tracked = {field.attname for field in event_model._meta.concrete_fields}
    fields = [
        field
        for field in obj._meta.concrete_fields
        if field.name not in HIDDEN_HISTORY_FIELDS and field.attname in tracked
    ]
    # Related rows (admin area, organisation, hazard area) by name: one query per kind.
    related_names = {}
    for field in fields:
        if field.is_relation:
            ids = {getattr(event, field.attname) for event in events} - {None}
            objects = field.related_model._base_manager.in_bulk(ids)
            related_names[field.name] = {pk: str(related) for pk, related in objects.items()}
    items = []
    previous = None
    for event in events:
        changes = []
        for field in fields:
            new = getattr(event, field.attname)
            old = getattr(previous, field.attname) if previous else None
            if previous is None or old != new:
                if previous is None and new in (None, "", []):
                    continue
                if field.name in related_names:
                    names = related_names[field.name]
                    old, new = names.get(old, old), names.get(new, new)
                changes.append(describe_change(field, old, new, previous is None))
        label = {"insert": "Created", "update": "Changed", "delete": "Deleted"}.get(
            event.pgh_label, event.pgh_label
        )
        if previous is not None and not changes and event.pgh_label == "update":
            previous = event
            continue  # a save that changed nothing editors see (e.g. updated_at only)
        item = event_item(event, label, changes)
        item["public_change"] = public.get(event.pgh_id)
        items.append(item)
        previous = event
    if isinstance(obj, Incident):
        casualty_events = CasualtyEvent.objects.filter(incident_id=obj.pk)
        for event in casualty_events.select_related("pgh_context"):
            label = {"insert": "Casualty added", "update": "Casualty changed"}.get(
                event.pgh_label, "Casualty removed"
            )
            description = f"{event.outcome}, {event.group}, sex {event.sex}, age {event.age_band}"
            items.append(event_item(event, label, [("casualty", "", description)]))
    users = {
        user.pk: user.get_username()
        for user in get_user_model().objects.filter(
            pk__in={item["user_id"] for item in items if item["user_id"]}
        )
    }
    for item in items:
        item["user"] = users.get(item["user_id"], "")
    items.sort(key=lambda item: (item["when"], item["order"]), reverse=True)
    return items


def event_item(event, label, changes):
    metadata = event.pgh_context.metadata if event.pgh_context else {}
    return {
        "when": event.pgh_created_at,
        "order": event.pgh_id,
        "label": label,
        "changes": changes,
        "user_id": metadata.get("user"),
        "import_file": metadata.get("import_file", ""),
        "url": metadata.get("url", ""),
    }


def describe_change(field, old, new, first):
    name = str(field.verbose_name)
    if field.get_internal_type() in ("MultiPolygonField", "PointField") or hasattr(
        new, "geom_type"
    ):
        return (name, "", "drawn" if first else "geometry changed")
    if field.choices and not isinstance(new, list):
        labels = dict(field.flatchoices)
        old, new = labels.get(old, old), labels.get(new, new)
    return (name, "" if first else format_value(old), format_value(new))


def format_value(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value in (None, ""):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


# --- the models ------------------------------------------------------------------------


@admin.register(HazardArea)
class HazardAreaAdmin(RecordAdmin):
    list_display = [
        "reference",
        "name",
        "category",
        "status",
        "area_km2_display",
        "admin_area",
        "surveyed_by",
        "identified_on",
        "status_badge",
        "is_demo",
    ]
    list_filter = [
        "publication_status",
        "category",
        "status",
        ("admin_area", admin.RelatedOnlyFieldListFilter),
        ("surveyed_by", admin.RelatedOnlyFieldListFilter),
        "geometry_precision",
        "is_demo",
    ]
    search_fields = ["reference", "name"]
    date_hierarchy = "identified_on"
    list_select_related = ["admin_area", "surveyed_by"]
    autocomplete_fields = ["surveyed_by"]
    inlines = [HazardAreaSourceInline]
    readonly_fields = ["area_km2_display", "admin_area", *RecordAdmin.publication_readonly]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "name",
                    "category",
                    "status",
                    "hazard_types",
                    "identified_on",
                    "surveyed_by",
                    "blocked_land_use",
                ]
            },
        ),
        (
            "Where",
            {
                "fields": ["geometry", "geometry_precision", "area_km2_display", "admin_area"],
                "description": "Draw the area or paste its shape; the area and the "
                "administrative unit are computed when the record is saved.",
            },
        ),
        RecordAdmin.publication_fieldset,
    ]

    @admin.display(description="area (km²)", ordering="area_m2")
    def area_km2_display(self, obj):
        return "—" if obj.area_m2 is None else f"{obj.area_m2 / 1e6:,.3f}"


@admin.register(LandRelease)
class LandReleaseAdmin(RecordAdmin):
    list_display = [
        "reference",
        "method",
        "area_km2_display",
        "admin_area",
        "organisation",
        "completed_on",
        "items_found",
        "status_badge",
        "is_demo",
    ]
    list_filter = [
        "publication_status",
        "method",
        ("admin_area", admin.RelatedOnlyFieldListFilter),
        ("organisation", admin.RelatedOnlyFieldListFilter),
        "is_demo",
    ]
    search_fields = ["reference", "hazard_area__reference", "hazard_area__name"]
    date_hierarchy = "completed_on"
    list_select_related = ["admin_area", "organisation"]
    autocomplete_fields = ["organisation", "hazard_area"]
    inlines = [LandReleaseSourceInline]
    readonly_fields = ["area_km2_display", "admin_area", *RecordAdmin.publication_readonly]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "method",
                    "hazard_area",
                    "started_on",
                    "completed_on",
                    "organisation",
                ]
            },
        ),
        ("Where", {"fields": ["geometry", "area_km2_display", "admin_area"]}),
        (
            "Items found and destroyed",
            {"fields": ["ap_mines_found", "at_mines_found", "uxo_found", "other_items_found"]},
        ),
        RecordAdmin.publication_fieldset,
    ]

    @admin.display(description="area (km²)", ordering="area_m2")
    def area_km2_display(self, obj):
        return "—" if obj.area_m2 is None else f"{obj.area_m2 / 1e6:,.3f}"

    @admin.display(description="items found")
    def items_found(self, obj):
        return obj.items_found


@admin.register(Incident)
class IncidentAdmin(RecordAdmin):
    list_display = [
        "reference",
        "occurred_on",
        "device_type",
        "activity",
        "admin_area",
        "is_in_hazard_area",
        "status_badge",
        "is_demo",
    ]
    list_filter = [
        "publication_status",
        "device_type",
        "activity",
        "location_precision",
        ("admin_area", admin.RelatedOnlyFieldListFilter),
        "is_in_hazard_area",
        "is_demo",
    ]
    search_fields = ["reference", "summary", "summary_az", "summary_ru"]
    date_hierarchy = "occurred_on"
    list_select_related = ["admin_area"]
    inlines = [CasualtyInline, IncidentSourceInline]
    readonly_fields = ["admin_area", "is_in_hazard_area", *RecordAdmin.publication_readonly]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    ("occurred_on", "occurred_on_precision"),
                    "device_type",
                    "activity",
                ]
            },
        ),
        (
            "What happened, in each language",
            {
                "fields": [("summary", "summary_az", "summary_ru")],
                "description": "Write the summary in English; the Azerbaijani and Russian "
                "versions appear on those pages, which show the English one, marked as not yet "
                "translated, while a translation is empty.",
            },
        ),
        (
            "Where",
            {
                "fields": ["location", "location_precision", "admin_area", "is_in_hazard_area"],
                "description": "Click the map to place the incident; the unit and whether it "
                "lies in a published hazard area are computed when the record is saved.",
            },
        ),
        RecordAdmin.publication_fieldset,
    ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    list_display = ["name", "acronym", "kind", "country", "website"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "acronym"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class SourceTitleFilter(admin.SimpleListFilter):
    """Untitled sources are an editor's to-do: public pages can only name their publisher."""

    title = "title"
    parameter_name = "title"

    def lookups(self, request, model_admin):
        return [("missing", "Missing (to do)"), ("present", "Recorded")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(title="")
        if self.value() == "present":
            return queryset.exclude(title="")
        return queryset


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    # A URL typed without a scheme is taken as https (Django 6's default).
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    list_display = ["publisher", "title", "published_on", "language", "is_reprint"]
    list_filter = [SourceTitleFilter, "language", "is_reprint", "publisher"]
    search_fields = ["publisher", "title", "url"]
    date_hierarchy = "published_on"
    readonly_fields = ["created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(AdminArea)
class AdminAreaAdmin(BoundariesMapMixin, LeafletGeoAdmin):
    list_display = ["name_en", "code", "level", "parent", "unit_type", "area_km2"]
    list_filter = ["level", "unit_type", "economic_region"]
    search_fields = ["name_en", "name_local", "name_ru", "name_alt", "code"]
    readonly_fields = ["area_km2"]
    list_select_related = ["parent"]

    def get_urls(self):
        return [
            path(
                "boundaries.geojson",
                self.admin_site.admin_view(self.boundaries_view),
                name="contamination_adminarea_boundaries",
            ),
            *super().get_urls(),
        ]

    def boundaries_view(self, request):
        """Simplified first-level boundaries for the map widgets, built in PostgreSQL."""
        state = AdminArea.objects.aggregate(last=Max("id"), count=Count("id"))
        key = f"admin-boundaries:{state['last']}:{state['count']}"
        body = cache.get(key)
        if body is None:
            areas = AdminArea.objects.filter(level=AdminArea.Level.UNIT)
            if not areas.exists():
                areas = AdminArea.objects.countries()
            # Simplified here rather than with feature_collection(tolerance=...), whose
            # expression lacks an output_field on main (reported to the integrator).
            areas = areas.annotate(
                outline=SimplifyPreserveTopology(
                    "geometry", Value(0.002), output_field=GeometryField(srid=4326)
                )
            )
            body = feature_collection(
                areas.order_by("code"),
                {"name": "name_en", "code": "code"},
                geometry_field="outline",
                precision=5,
            )
            cache.set(key, body, 600)
        return HttpResponse(body, content_type="application/geo+json")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)
