from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html

from editorial.models import ReaderReport


@admin.register(ReaderReport)
class ReaderReportAdmin(admin.ModelAdmin):
    """The editors' queue: newest open reports first; a report's own words are read-only."""

    list_display = ["received_at", "kind", "about", "short_message", "status", "assignee"]
    list_filter = ["status", "kind", ("assignee", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["message", "subject_label", "page", "resolution"]
    date_hierarchy = "received_at"
    list_select_related = ["assignee", "subject_type"]
    readonly_fields = [
        "received_at",
        "kind",
        "message",
        "contact",
        "page_link",
        "about",
        "resolved_at",
    ]
    fields = [
        "received_at",
        "kind",
        "message",
        "contact",
        "page_link",
        "about",
        "status",
        "assignee",
        "resolution",
        "resolved_at",
    ]
    actions = ["assign_to_me", "mark_in_progress"]

    def has_add_permission(self, request):
        return False  # reports come from readers

    def has_delete_permission(self, request, obj=None):
        return False  # nothing lost: spam is a status, not a deletion

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("status", "-received_at")

    @admin.display(description="message")
    def short_message(self, report):
        return report.message[:80] + ("…" if len(report.message) > 80 else "")

    @admin.display(description="about")
    def about(self, report):
        if report.subject_type_id is None:
            return report.subject_label or "—"
        model = report.subject_type.model_class()
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[report.subject_id],
            )
        except NoReverseMatch:
            return report.subject_label
        return format_html('<a href="{}">{}</a>', url, report.subject_label or url)

    @admin.display(description="sent from")
    def page_link(self, report):
        if not report.page:
            return "—"
        return format_html('<a href="{}" rel="noreferrer">{}</a>', report.page, report.page)

    def save_model(self, request, obj, form, change):
        if obj.is_open:
            obj.resolved_at = None
        elif obj.resolved_at is None:
            obj.resolved_at = timezone.now()
        if obj.assignee is None and obj.status == ReaderReport.Status.IN_PROGRESS:
            obj.assignee = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Assign the selected reports to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        updated = queryset.update(assignee=request.user)
        self.message_user(request, f"{updated} report(s) assigned to you.")

    @admin.action(description="Mark the selected reports in progress", permissions=["change"])
    def mark_in_progress(self, request, queryset):
        updated = queryset.filter(status=ReaderReport.Status.NEW).update(
            status=ReaderReport.Status.IN_PROGRESS
        )
        self.message_user(request, f"{updated} report(s) marked in progress.")
