"""Which rows: statements follow the records' workflow; claims and people follow statements."""

from django.apps import apps
from django.contrib.postgres.aggregates import StringAgg
from django.db import models
from django.db.models import Exists, Func, OuterRef, Subquery, TextField, Value

from contamination.querysets import PublicationStatus, RecordQuerySet
from search.matching import matching


def words_of(array_field):
    return Func(array_field, Value(" "), function="array_to_string", output_field=TextField())


class StatementQuerySet(RecordQuerySet):
    def in_area(self, area):
        """Statements with a claim about `area` or, for a country, one of its units."""
        claims = apps.get_model("statements", "Claim").objects.filter(statement=OuterRef("pk"))
        return self.filter(
            Exists(claims.filter(scope=area)) | Exists(claims.filter(scope__parent=area))
        )

    def about_metric(self, metric):
        """Statements with at least one claim on `metric` (a Metric or its code)."""
        claims = apps.get_model("statements", "Claim").objects.filter(statement=OuterRef("pk"))
        if isinstance(metric, str):
            return self.filter(Exists(claims.filter(metric__code=metric)))
        return self.filter(Exists(claims.filter(metric=metric)))

    def search(self, query):
        """Statements whose words, speaker (any spelling of the name), role, organisation or
        outlet match `query` in any script or spelling, best match first."""
        outlets = Subquery(
            apps.get_model("statements", "StatementSource")
            .objects.filter(statement=OuterRef("pk"))
            .values("statement")
            .annotate(names=StringAgg("source__publisher", " "))
            .values("names"),
            output_field=TextField(),
        )
        return matching(
            self,
            query,
            "text",
            "original_text",
            "speaker_role",
            "speaker_person__name",
            words_of("speaker_person__name_variants"),
            "speaker_organisation__name",
            "speaker_organisation__acronym",
            outlets,
            "reference",
        )

    def between(self, start=None, end=None):
        if start:
            self = self.filter(date__gte=start)
        if end:
            self = self.filter(date__lte=end)
        return self

    def with_speaker(self):
        """Join the speaker and their organisation, which every list shows."""
        return self.select_related("speaker_person", "speaker_organisation")


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """Claims in published statements."""
        return self.filter(statement__publication_status=PublicationStatus.PUBLISHED)


class PersonQuerySet(models.QuerySet):
    def published(self):
        """People with at least one published statement."""
        statements = apps.get_model("statements", "Statement").objects.published()
        return self.filter(Exists(statements.filter(speaker_person=OuterRef("pk"))))
