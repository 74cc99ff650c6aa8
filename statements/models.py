"""What was said, by whom, and every number in it as a structured claim.

A statement is one speaker's words on one occasion, kept as published (verbatim) or as the
source's wording of it (paraphrase). A claim is one number in it, tied to the exact excerpt.
Statements follow the records' workflow (draft, published, retracted) and keep their history
with pghistory's triggers; claims are public exactly when their statement is.
"""

from decimal import Decimal

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contamination.models import (
    PUBLICATION_TIMESTAMPS_SQL,
    AdminArea,
    Organisation,
    Record,
    Source,
    SourceCitation,
    computed_fields_trigger,
    touch_parent_trigger,
    track_history,
    validate_not_future,
)
from contamination.translated import in_reader_language
from statements.querysets import ClaimQuerySet, PersonQuerySet, StatementQuerySet
from statements.units import UNITS, unit_label, units_compatible


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    UNKNOWN = "unknown", _("Unknown (no date)")


def date_precision_constraints(prefix, date_field, precision_field):
    """A date is given exactly when its precision is not 'unknown'."""
    label = "date" if date_field == "date" else f"{date_field.replace('_', '-')} date"
    return [
        models.CheckConstraint(
            condition=Q(**{f"{date_field}__isnull": True, precision_field: DatePrecision.UNKNOWN})
            | (
                Q(**{f"{date_field}__isnull": False})
                & ~Q(**{precision_field: DatePrecision.UNKNOWN})
            ),
            name=f"{prefix}_{date_field}_matches_precision",
            violation_error_message=f"Give the {label} with a precision of day, month or year, "
            "or leave it empty with its precision set to 'unknown (no date)'.",
        )
    ]


@track_history()
class Person(models.Model):
    key = models.SlugField(
        max_length=100, unique=True, help_text="Stable identifier, used in the page address."
    )
    name = models.CharField(max_length=200, help_text="Name as usually written in English.")
    name_variants = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Other spellings and transliterations (e.g. Hikmat Hajiyev, Hikmət Hacıyev).",
    )
    note = models.TextField(blank=True, help_text="Public note about the person, if any.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("statements:person-detail", args=[self.key])


@track_history()
class Metric(models.Model):
    """What a claim measures. Codes are stable: they appear in addresses, the API and exports."""

    class Comparison(models.TextChoices):
        """What in the records a metric can be set beside (see statements/bridge.py)."""

        HAZARD_AREA_KM2 = "hazard_area_km2", _("Area of hazard areas not yet released")
        SHARE_IN_HAZARD_AREAS = "share_in_hazard_areas", _("Share of territory in hazard areas")
        LAND_RELEASED = "land_released", _("Land released (all three methods)")
        LAND_CLEARED = "land_cleared", _("Land released by clearance")
        ITEMS_FOUND = "items_found", _("Explosive items found and destroyed")
        MINES_FOUND = "mines_found", _("Mines found (anti-personnel and anti-vehicle)")
        AP_MINES_FOUND = "ap_mines_found", _("Anti-personnel mines found")
        AT_MINES_FOUND = "at_mines_found", _("Anti-vehicle mines found")
        UXO_FOUND = "uxo_found", _("Unexploded ordnance found")
        CASUALTIES = "casualties", _("People killed or injured")
        CIVILIAN_CASUALTIES = "civilian_casualties", _("Civilians killed or injured")
        DEATHS = "deaths", _("People killed")
        INJURIES = "injuries", _("People injured")
        CIVILIANS_KILLED = "civilians_killed", _("Civilians killed")
        CIVILIANS_INJURED = "civilians_injured", _("Civilians injured")
        INCIDENTS = "incidents", _("Incidents")

    code = models.SlugField(max_length=80, unique=True, help_text="Stable code of the metric.")
    label = models.CharField(
        max_length=200, help_text="What is measured, in plain words (English)."
    )
    label_az = models.CharField("label (Azerbaijani)", max_length=200, blank=True, default="")
    label_ru = models.CharField("label (Russian)", max_length=200, blank=True, default="")
    unit = models.CharField(
        max_length=20,
        help_text="Unit the metric is compared in; claims may use a unit of the same kind "
        "(ha or m² for an area in km²).",
    )
    description = models.TextField(
        blank=True, help_text="What counts, and what does not (English)."
    )
    description_az = models.TextField("description (Azerbaijani)", blank=True, default="")
    description_ru = models.TextField("description (Russian)", blank=True, default="")
    comparison = models.CharField(
        max_length=30,
        choices=Comparison,
        blank=True,
        help_text="What the records show for this metric, if they can speak to it at all.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label", "id"]

    @property
    def shown_label(self):
        """The label in the reader's language, else the English one."""
        return in_reader_language(self, "label")[0]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("statements:metric-detail", args=[self.code])

    def clean(self):
        super().clean()
        if self.unit not in UNITS:
            raise ValidationError(
                {"unit": f"Unknown unit {self.unit!r}; use one of {', '.join(UNITS)}."}
            )

    @property
    def unit_label(self):
        return unit_label(self.unit)


side_validator = RegexValidator(
    r"^([a-z]{2}|int)$",
    "Use the lower-case ISO 3166-1 code of the party's country (e.g. 'az'), or 'int'.",
)

# Labels for the sides in the data; any other country code shows as its upper-case code.
SIDE_LABELS = {"int": _("International"), "az": _("Azerbaijan"), "am": _("Armenia")}


def side_label(code):
    return str(SIDE_LABELS.get(code, code.upper()))


# Marks of words left out ("…", "[…]", "(…)", "..."): a text carrying one is not one
# contiguous quotation, however exactly its fragments are quoted.
ELISION_MARKS = ("…", "...")


@track_history()
class Statement(Record):
    class Occasion(models.TextChoices):
        INTERVIEW = "interview", _("Interview")
        SPEECH = "speech", _("Speech")
        PRESS_RELEASE = "press_release", _("Press release or official statement")
        SOCIAL_MEDIA_POST = "social_media_post", _("Social media post")
        REPORT = "report", _("Report")
        COURT_FILING = "court_filing", _("Court filing or decision")
        NEWS_REPORT = "news_report", _("News report")
        OTHER = "other", _("Other")

    class TextKind(models.TextChoices):
        VERBATIM = "verbatim", _("Verbatim quotation")
        PARAPHRASE = "paraphrase", _("Paraphrase")

    reference = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Stable identifier of the statement, used in its page address.",
    )
    side = models.CharField(
        max_length=3,
        validators=[side_validator],
        db_index=True,  # the list filter by side
        help_text="Whose side the speaker speaks for: a country code (lower case) or 'int' "
        "for international organisations, courts, NGOs and third parties.",
    )
    speaker_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="The person who spoke, if a person did.",
    )
    speaker_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="The organisation the speaker spoke for at the time, or that issued it.",
    )
    speaker_role = models.CharField(
        max_length=300, blank=True, help_text="The speaker's role at the time of the statement."
    )
    date = models.DateField(
        null=True,
        blank=True,
        validators=[validate_not_future],
        help_text="When it was said (see precision).",
    )
    date_precision = models.CharField(
        max_length=7,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="Day, month or year; 'unknown' when no source gives a date.",
    )
    date_note = models.TextField(blank=True, help_text="How the date is known, or why it is not.")
    occasion = models.CharField(max_length=20, choices=Occasion, help_text="Where it was said.")
    text_kind = models.CharField(
        max_length=10,
        choices=TextKind,
        help_text="Verbatim: the words as published, shown in quotation marks. Paraphrase: a "
        "source's wording of what was said, never shown as a quotation.",
    )
    language = models.CharField(max_length=10, help_text="Language of the text (ISO 639-1).")
    text = models.TextField(help_text="The statement as published, byte for byte.")
    original_language = models.CharField(
        max_length=10, blank=True, help_text="Language the speaker used, if different."
    )
    original_text = models.TextField(
        blank=True, help_text="The words in the speaker's language, where published."
    )
    translation_note = models.TextField(
        blank=True, help_text="Whose translation the English text is (outlet, or Mine Atlas)."
    )
    note = models.TextField(blank=True, help_text="Caveats shown with the statement.")
    sources = models.ManyToManyField(Source, through="StatementSource", blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        # Undated statements last: "latest" must not open with a statement of unknown date.
        ordering = [F("date").desc(nulls_last=True), "-id"]
        triggers = [computed_fields_trigger(PUBLICATION_TIMESTAMPS_SQL)]
        constraints = [
            models.CheckConstraint(
                condition=Q(speaker_person__isnull=False) | Q(speaker_organisation__isnull=False),
                name="statements_statement_has_speaker",
                violation_error_message="Name the speaker: a person, an organisation or both.",
            ),
            *date_precision_constraints("statements_statement", "date", "date_precision"),
        ]
        indexes = [
            # The public list: published statements, newest first.
            models.Index(fields=["publication_status", "date"], name="statements_statement_pub"),
        ]

    def __str__(self):
        return f"{self.speaker_name}, {self.date_display}"

    def get_absolute_url(self):
        return reverse("statements:statement-detail", args=[self.reference])

    def clean(self):
        super().clean()
        if self.original_text and not self.original_language:
            raise ValidationError({"original_language": "Say which language the original is in."})

    @property
    def is_verbatim(self):
        return self.text_kind == self.TextKind.VERBATIM

    @property
    def is_contiguous_quotation(self):
        """A quotation of one unbroken passage: the only text labelled "verbatim"."""
        return self.is_verbatim and not any(mark in self.text for mark in ELISION_MARKS)

    @property
    def is_excerpt(self):
        """Quoted fragments joined or cut by elision marks: words as published, not all."""
        return self.is_verbatim and not self.is_contiguous_quotation

    @property
    def opens_with_quotation_mark(self):
        """Whether the published text carries its own opening quotation mark (no second one)."""
        return self.text.lstrip()[:1] in ('"', "“", "„", "«", "‘", "'", "‹")

    @property
    def is_dated(self):
        return self.date is not None

    @property
    def speaker_name(self):
        if self.speaker_person_id:
            return self.speaker_person.name
        return self.speaker_organisation.name if self.speaker_organisation_id else ""

    @property
    def side_label(self):
        return side_label(self.side)

    @property
    def date_display(self):
        return format_partial_date(self.date, self.date_precision)


def format_partial_date(value, precision):
    """'19 June 2024', 'June 2024', '2024' or 'date unknown', in the reader's language
    ('19 июня 2024', 'июнь 2024': a day takes the month's genitive where the language has one)."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return gettext("date unknown")
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return date_format(value, "F Y")
    return date_format(value, "j E Y")


@track_history()
class StatementSource(SourceCitation):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="citations")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the page.")
    note = models.TextField(
        blank=True, help_text="What this source is for this statement (e.g. 'carries a reprint')."
    )

    class Meta:
        ordering = ["position", "id"]
        triggers = [touch_parent_trigger("statements_statement", "statement_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "source"],
                name="statements_statementsource_once",
                violation_error_message="This source is cited by the statement already.",
            )
        ]


@track_history()
class Claim(models.Model):
    class Qualifier(models.TextChoices):
        EXACTLY = "exactly", _("exactly")
        ABOUT = "about", _("about")
        MORE_THAN = "more_than", _("more than")
        AT_LEAST = "at_least", _("at least")
        UP_TO = "up_to", _("up to")
        LESS_THAN = "less_than", _("less than")
        # Distinct from "about" and "more than": the speaker's own word is kept.
        ALMOST = "almost", _("almost")
        NEARLY = "nearly", _("nearly")
        OVER = "over", _("over")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="claims")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the statement.")
    excerpt = models.TextField(
        help_text="The exact words of the statement the number comes from; must occur in its text."
    )
    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, related_name="claims", help_text="What is measured."
    )
    value = models.DecimalField(
        max_digits=18, decimal_places=4, help_text="The number stated (the lower end of a range)."
    )
    value_max = models.DecimalField(
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The upper end, when a range was stated.",
    )
    unit = models.CharField(max_length=20, help_text="The unit as stated (e.g. ha, km2).")
    qualifier = models.CharField(
        max_length=10,
        choices=Qualifier,
        default=Qualifier.EXACTLY,
        help_text="How the number was put: exactly, about, more than, at least, up to, less than.",
    )
    as_of = models.DateField(null=True, blank=True, help_text="The date the number refers to.")
    as_of_precision = models.CharField(
        max_length=7,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="Day, month or year; 'unknown' when neither the claim nor its source dates it.",
    )
    since = models.DateField(
        null=True, blank=True, help_text="Start of the period counted (e.g. 2020-11-10)."
    )
    scope = models.ForeignKey(
        AdminArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="The country or unit the number is about.",
    )
    scope_note = models.CharField(
        max_length=300, blank=True, help_text="How the scope was stated (e.g. 'liberated areas')."
    )
    note = models.TextField(blank=True, help_text="Caveats shown with the claim.")
    editors_note = models.TextField(
        blank=True,
        help_text="Compilers' working notes for editors; shown only in the admin, never in public.",
    )
    figures_row = models.PositiveIntegerField(
        null=True, blank=True, help_text="Line of the row in figures.csv this claim comes from."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "position", "id"]
        # A claim is part of its statement: `updated_since` must see it change.
        triggers = [touch_parent_trigger("statements_statement", "statement_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="statements_claim_value_not_negative",
                violation_error_message="A stated number cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value_max__gt=F("value")),
                name="statements_claim_range_ordered",
                violation_error_message="The upper end of a range must be above its lower end.",
            ),
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(as_of__isnull=True) | Q(as_of__gte=F("since")),
                name="statements_claim_since_before_as_of",
                violation_error_message="The period cannot start after its as-of date.",
            ),
            *date_precision_constraints("statements_claim", "as_of", "as_of_precision"),
        ]
        indexes = [
            # Metric pages: every claim on one metric over time.
            models.Index(fields=["metric", "as_of"], name="statements_claim_metric_asof"),
        ]

    def __str__(self):
        return f"{self.metric}: {self.value_display}"

    def clean(self):
        super().clean()
        errors = {}
        if self.statement_id and self.excerpt and self.excerpt not in self.statement.text:
            errors["excerpt"] = (
                "The excerpt must be copied exactly from the statement's text "
                f"(not found: “{self.excerpt[:80]}”)."
            )
        if self.metric_id and self.unit:
            if self.unit not in UNITS:
                errors["unit"] = f"Unknown unit {self.unit!r}; use one of {', '.join(UNITS)}."
            elif not units_compatible(self.unit, self.metric.unit):
                errors["unit"] = (
                    f"{self.metric.label} is measured in {self.metric.unit_label}; "
                    f"{unit_label(self.unit)} cannot be converted to it."
                )
        if self.unit in UNITS and UNITS[self.unit].dimension == "share":
            for name in ("value", "value_max"):
                number = getattr(self, name)
                if number is not None and number > 100:
                    errors[name] = "A percentage cannot be above 100."
        if errors:
            raise ValidationError(errors)

    @property
    def is_range(self):
        return self.value_max is not None

    @property
    def covers_part_of_scope(self):
        """Whether the figure is about part of `scope` only: an area no boundary holds
        ("liberated territories", "the Fuzuli–Shusha road area"), which `scope_note` then
        describes, `scope` being the area that contains it. Such a figure is never plotted
        on the area's chart or set beside the area's records: it would read as the area's.
        """
        return self.scope_id is not None and bool(self.scope_note.strip())

    @property
    def unit_label(self):
        return unit_label(self.unit)

    @property
    def value_display(self):
        """'more than 25,000 ha', 'between 350 and 830 km²'."""
        unit = unit_label(self.unit)
        separator = "" if unit == "%" else " "
        if self.is_range:
            low, high = format_number(self.value), format_number(self.value_max)
            return (
                gettext("between %(low)s and %(high)s")
                % {
                    "low": low,
                    "high": high,
                }
                + f"{separator}{unit}"
            )
        prefix = (
            "" if self.qualifier == self.Qualifier.EXACTLY else f"{self.get_qualifier_display()} "
        )
        return f"{prefix}{format_number(self.value)}{separator}{unit}"

    @property
    def as_of_display(self):
        return format_partial_date(self.as_of, self.as_of_precision)


def format_number(value):
    """Group thousands and drop trailing zeros, as the reader's language writes numbers:
    Decimal('106938.1000') -> '106,938.1' in English, '106 938,1' in Azerbaijani and Russian."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    decimals = len(text.partition(".")[2])
    return number_format(Decimal(text), decimals, use_l10n=True, force_grouping=True)
