"""What the site's maps offer: the filters, their choices and the labels of coded values.

Written once, here, from the models' choices: the explorer's form is rendered from these
descriptions and the map script (static/js/map/) receives the same ones as JSON, so neither
the template nor the script keeps a list of its own. Each filter says which map layers take
it and under which API parameter; the API refuses parameters an endpoint does not know, so
each layer gets only its own (tests/site/test_map.py checks them against the API's filters).

Layers: `areas` (the units, shaded by their figures), `hazards`, `releases`, `incidents`.
"""

import copy
import functools
from dataclasses import asdict, dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from contamination.models import (
    AdminArea,
    Casualty,
    HazardArea,
    Incident,
    LandRelease,
    Organisation,
)
from contamination.querysets import PublicationStatus


@dataclass(frozen=True)
class MapFilter:
    """One filter of the map: a parameter of the page's address and of the API's layers."""

    name: str
    label: str
    # Layer -> the API parameter that layer's endpoint takes the value as.
    layers: dict[str, str]
    kind: str = "choice"  # or "date"
    everything: str = ""  # the empty choice, e.g. "All areas"
    choices: list[tuple[str, str]] = field(default_factory=list)


def _same_name(*layers):
    return {layer: "" for layer in layers}


def filters(areas=(), organisations=()):
    """The map's filters; without database choices, built once per language (a record or
    area page's map takes them on every request)."""
    if not areas and not organisations:
        return copy.deepcopy(_filters_in(get_language() or "en"))
    return _filters(areas, organisations)


@functools.cache
def _filters_in(language):
    return _filters()


def _filters(areas=(), organisations=()):
    """The map's filters in the order the form shows them, as plain dicts (for JSON).

    `areas` and `organisations` are the database's choices ((value, label) pairs); the rest
    are the models' own.
    """
    everything = ("areas", "hazards", "releases", "incidents")
    described = [
        # Each kind of record by its own main date; the areas' figures count the same records.
        MapFilter(
            "start",
            pgettext_lazy("start of a period", "From"),
            _same_name(*everything),
            kind="date",
        ),
        MapFilter(
            "end", pgettext_lazy("end of a period", "To"), _same_name(*everything), kind="date"
        ),
        # The areas' figures are per area already: the shading ignores the area filter.
        MapFilter(
            "area",
            _("Area"),
            _same_name("hazards", "releases", "incidents"),
            everything=_("All areas"),
            choices=list(areas),
        ),
        MapFilter(
            "category",
            _("Hazard category"),
            _same_name("areas", "hazards"),
            everything=_("Both categories"),
            choices=HazardArea.Category.choices,
        ),
        MapFilter(
            "status",
            _("Hazard area status"),
            _same_name("areas", "hazards"),
            everything=_("Any status"),
            choices=HazardArea.Status.choices,
        ),
        # Incidents record the same kinds of ordnance as their `device_type`.
        MapFilter(
            "hazard_type",
            _("Hazard type"),
            {"areas": "", "hazards": "", "incidents": "device_type"},
            everything=_("All hazard types"),
            choices=HazardArea.HazardType.choices,
        ),
        MapFilter(
            "method",
            _("Release method"),
            _same_name("areas", "releases"),
            everything=_("All methods"),
            choices=LandRelease.Method.choices,
        ),
        MapFilter(
            "casualty_group",
            _("Casualties among"),
            _same_name("incidents"),
            everything=_("Any group, or none"),
            choices=Casualty.Group.choices,
        ),
        MapFilter(
            "organisation",
            _("Organisation"),
            _same_name("areas", "hazards", "releases"),
            everything=_("All organisations"),
            choices=list(organisations),
        ),
    ]
    result = []
    for described_filter in described:
        data = asdict(described_filter)
        data["label"], data["everything"] = str(data["label"]), str(data["everything"])
        data["layers"] = {
            layer: parameter or described_filter.name
            for layer, parameter in described_filter.layers.items()
        }
        data["choices"] = [[str(value), str(label)] for value, label in described_filter.choices]
        result.append(data)
    return result


def labels():
    """Readable labels of the coded values the map's popups, list and legend show."""
    return copy.deepcopy(_labels_in(get_language() or "en"))


@functools.cache
def _labels_in(language):
    coded = {
        "category": HazardArea.Category,
        "status": HazardArea.Status,
        "hazard_type": HazardArea.HazardType,
        "method": LandRelease.Method,
        "device_type": Incident.DeviceType,
        "activity": Incident.Activity,
        "casualty_group": Casualty.Group,
    }
    return {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in coded.items()
    }


def explorer_filters():
    """The explorer's filters with the database's choices (2 queries).

    Organisations are those with published records (an organisation with drafts only would
    give an empty map).
    """
    published = PublicationStatus.PUBLISHED
    organisations = Organisation.objects.filter(
        Exists(
            LandRelease.objects.filter(organisation=OuterRef("pk"), publication_status=published)
        )
        | Exists(
            HazardArea.objects.filter(surveyed_by=OuterRef("pk"), publication_status=published)
        )
    )
    return filters(
        # Each unit by its name in the reader's language (AdminArea.name).
        areas=sorted(
            (
                (unit.code, unit.name)
                for unit in AdminArea.objects.units().only(
                    "code", "name_en", "name_local", "name_ru"
                )
            ),
            key=lambda choice: choice[1],
        ),
        organisations=[
            (organisation.id, f"{organisation.name} ({organisation.acronym})")
            if organisation.acronym
            else (organisation.id, organisation.name)
            for organisation in organisations.only("id", "name", "acronym")
        ],
    )
