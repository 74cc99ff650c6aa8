"""Editors' screens for statements: claims inline, excerpts highlighted, publish and retract."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join, mark_safe

from contamination.publishing import PublishingAdminMixin
from statements.models import Claim, Metric, Person, Statement, StatementSource
from statements.text import mark_excerpts


class ClaimInlineForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = [
            "position",
            "excerpt",
            "metric",
            "qualifier",
            "value",
            "value_max",
            "unit",
            "as_of",
            "as_of_precision",
            "since",
            "scope",
            "scope_note",
            "note",
            "editors_note",
            "figures_row",
        ]
        widgets = {
            "excerpt": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "note": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        }


class ClaimInline(admin.StackedInline):
    model = Claim
    form = ClaimInlineForm
    extra = 0
    autocomplete_fields = ["scope"]
    fieldsets = [
        (None, {"fields": ["position", "excerpt", "metric"]}),
        ("Number", {"fields": [("qualifier", "value", "value_max", "unit")]}),
        (
            "When and where",
            {"fields": [("as_of", "as_of_precision", "since"), "scope", "scope_note"]},
        ),
        ("Notes", {"fields": ["note", "editors_note", "figures_row"]}),
    ]


# The notes of statements and citations hold the compilers' working notes (file names, rows,
# how a copy was found); public pages and the API leave them out, so the admin says so.
EDITORS_ONLY = "Editors' notes, shown only in the admin, never on the public site or in the API."


class StatementSourceForm(forms.ModelForm):
    class Meta:
        model = StatementSource
        fields = ["position", "source", "page", "quote", "note"]
        help_texts = {"note": EDITORS_ONLY}


class StatementForm(forms.ModelForm):
    class Meta:
        model = Statement
        # The admin's fieldsets pick the fields; this form only rewords the note's help.
        fields = ["note"]
        help_texts = {"note": EDITORS_ONLY}


class StatementSourceInline(admin.TabularInline):
    model = StatementSource
    form = StatementSourceForm
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["position", "source", "page", "quote", "note"]


@admin.register(Statement)
class StatementAdmin(PublishingAdminMixin, admin.ModelAdmin):
    form = StatementForm
    list_display = [
        "reference",
        "speaker",
        "side",
        "date_display",
        "occasion",
        "text_kind",
        "claim_count",
        "publication_status",
    ]
    list_filter = ["publication_status", "side", "occasion", "text_kind", "date_precision"]
    search_fields = [
        "reference",
        "text",
        "original_text",
        "speaker_person__name",
        "speaker_organisation__name",
    ]
    autocomplete_fields = ["speaker_person", "speaker_organisation"]
    # Status changes go through the publish and retract actions only, as for the records: a
    # publication is a deliberate step and a retraction always has its public note.
    readonly_fields = [
        "publication_status",
        "retraction_note",
        "text_with_claims",
        "published_at",
        "retracted_at",
        "created_at",
        "updated_at",
    ]
    inlines = [StatementSourceInline, ClaimInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "publication_status",
                    ("retraction_note", "retraction_note_az", "retraction_note_ru"),
                    "is_demo",
                ]
            },
        ),
        ("Speaker", {"fields": ["side", "speaker_person", "speaker_organisation", "speaker_role"]}),
        ("When and where", {"fields": [("date", "date_precision"), "date_note", "occasion"]}),
        (
            "Text",
            {
                "fields": [
                    "text_kind",
                    "language",
                    "text",
                    "text_with_claims",
                    "original_language",
                    "original_text",
                    "translation_note",
                    "note",
                ]
            },
        ),
        ("Timestamps", {"fields": ["published_at", "retracted_at", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_speaker().prefetch_related("claims")

    def has_delete_permission(self, request, obj=None):
        # Deleting public data is a retraction: only superusers may really delete.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    @admin.display(description="speaker", ordering="speaker_person__name")
    def speaker(self, obj):
        return obj.speaker_name

    @admin.display(description="date", ordering="date")
    def date_display(self, obj):
        return obj.date_display

    @admin.display(description="claims")
    def claim_count(self, obj):
        return len(obj.claims.all())

    @admin.display(description="text with each claim's excerpt marked")
    def text_with_claims(self, obj):
        if not obj.pk:
            return "Save the statement to see its claims marked in the text."
        claims = list(obj.claims.all())
        missing = [claim for claim in claims if claim.excerpt not in obj.text]
        marked = format_html('<div class="statement-text-marked">{}</div>', mark_excerpts(obj))
        if not missing:
            return marked
        warnings = format_html_join(
            "",
            '<li class="errornote">Claim {}: excerpt not found in the text: “{}”</li>',
            ((claim.position, claim.excerpt) for claim in missing),
        )
        return mark_safe(f"{marked}<ul>{warnings}</ul>")

    class Media:
        css = {"all": ["css/statements_admin.css"]}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "variants"]
    search_fields = ["name", "key", "name_variants"]
    prepopulated_fields = {"key": ["name"]}

    @admin.display(description="name variants")
    def variants(self, obj):
        return ", ".join(obj.name_variants)


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "unit", "comparison"]
    list_filter = ["comparison"]
    search_fields = ["code", "label", "label_az", "label_ru", "description"]
    fields = [
        "code",
        ("label", "label_az", "label_ru"),
        "unit",
        ("description", "description_az", "description_ru"),
        "comparison",
    ]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["statement", "metric", "value_display", "as_of", "scope"]
    list_filter = ["metric", "qualifier", "statement__publication_status"]
    search_fields = ["excerpt", "statement__reference", "note", "editors_note"]
    autocomplete_fields = ["statement"]
    list_select_related = [
        "statement__speaker_person",
        "statement__speaker_organisation",
        "metric",
        "scope",
    ]

    @admin.display(description="value")
    def value_display(self, obj):
        return obj.value_display
