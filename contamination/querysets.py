"""Which rows: the filters every public surface starts from."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


class AdminAreaQuerySet(models.QuerySet):
    def countries(self):
        return self.filter(level=0)

    def units(self):
        return self.filter(level=1)

    def with_code(self, code):
        """The area with this code (ISO 3166 where it has one), case-insensitive."""
        return self.filter(code__iexact=code)


class RecordQuerySet(models.QuerySet):
    """Shared by every publishable record."""

    def published(self):
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def drafts(self):
        return self.filter(publication_status=PublicationStatus.DRAFT)

    def retracted(self):
        return self.filter(publication_status=PublicationStatus.RETRACTED)

    def demo(self):
        return self.filter(is_demo=True)

    def real(self):
        return self.filter(is_demo=False)

    def in_area(self, area):
        """Records whose computed admin area is `area` or, for a country, one of its units."""
        # A list of unit ids, not `admin_area=area OR admin_area__parent=area`: the OR across
        # a join cannot use the admin_area index and costs about twice as much for a district.
        units = type(area).objects.filter(Q(pk=area.pk) | Q(parent=area)).values("pk")
        return self.filter(admin_area__in=units)

    def updated_since(self, moment):
        return self.filter(updated_at__gte=moment)

    def publish(self):
        """Publish the drafts among these rows; return how many were published."""
        return self.drafts().update(
            publication_status=PublicationStatus.PUBLISHED, published_at=timezone.now()
        )

    def retract(self, note):
        """Retract the published rows among these, keeping them with a public note."""
        return self.published().update(
            publication_status=PublicationStatus.RETRACTED,
            retracted_at=timezone.now(),
            retraction_note=note,
        )


class HazardAreaQuerySet(RecordQuerySet):
    def between(self, start=None, end=None):
        if start:
            self = self.filter(identified_on__gte=start)
        if end:
            self = self.filter(identified_on__lte=end)
        return self


class LandReleaseQuerySet(RecordQuerySet):
    def between(self, start=None, end=None):
        """Releases completed within the dates (a release counts when it is completed)."""
        if start:
            self = self.filter(completed_on__gte=start)
        if end:
            self = self.filter(completed_on__lte=end)
        return self


class IncidentQuerySet(RecordQuerySet):
    def between(self, start=None, end=None):
        if start:
            self = self.filter(occurred_on__gte=start)
        if end:
            self = self.filter(occurred_on__lte=end)
        return self
