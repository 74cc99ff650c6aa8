"""What readers send: an error they found on a page, or a tip. Stored here and nowhere else.

A report is never e-mailed (a mailbox is one more place for a sender's words to leak from); the
editors' queue is the admin. The sender's address is not stored: the rate limit keeps only a
keyed hash of it, in the cache, for an hour. A sender may leave no contact at all.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contamination.models import track_history


@track_history()
class ReaderReport(models.Model):
    class Kind(models.TextChoices):
        ERROR = "error", _("An error on the site")
        TIP = "tip", _("A tip or new information")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        CORRECTED = "corrected", "Corrected"
        NO_CHANGE = "no_change", "Reviewed, no change"
        DUPLICATE = "duplicate", "Duplicate"
        SPAM = "spam", "Spam"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ERROR)
    message = models.TextField(help_text="The reader's words, as sent.")
    contact = models.CharField(
        max_length=200, blank=True, help_text="How the sender asked to be reached, if at all."
    )
    page = models.CharField(
        max_length=500, blank=True, help_text="The page the report was sent from."
    )
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(
        max_length=300, blank=True, help_text="What the report is about, as the page named it."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
        help_text="The editor working on it.",
    )
    resolution = models.TextField(
        blank=True, help_text="What was done, for the editors (not shown to the public)."
    )
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "reader's report"
        verbose_name_plural = "readers' reports"
        indexes = [models.Index(fields=["status", "-received_at"], name="editorial_report_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="editorial_report_subject_complete",
            )
        ]

    def __str__(self):
        about = f" about {self.subject_label}" if self.subject_label else ""
        return f"{self.get_kind_display()}{about} ({self.received_at:%Y-%m-%d})"

    @property
    def is_open(self):
        return self.status in (self.Status.NEW, self.Status.IN_PROGRESS)
