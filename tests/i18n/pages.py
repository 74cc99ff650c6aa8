"""Every public page type, once, for the language tests: built from the site's small world
(tests/site/world.py) plus a statement with a claim, a person and a metric."""

from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.site.world import build_world


def build_pages_world(test_class):
    build_world(test_class)
    c = test_class
    c.person = factories.make_person(key="minister", name="Vugar Suleymanov")
    c.statement = factories.make_statement(
        reference="minister-2023", speaker_person=c.person, sources=[c.source]
    )
    c.claim = factories.make_claim(c.statement)
    c.metric = c.claim.metric


# (page type, URL name, arguments): the arguments name attributes of the world.
PAGE_TYPES = [
    ("home", "home", ()),
    ("map", "contamination:map", ()),
    ("area list", "contamination:area-list", ()),
    ("area", "contamination:area-detail", ("west.code",)),
    ("hazard area", "contamination:hazard-area-detail", ("hazard.pk",)),
    ("land release", "contamination:land-release-detail", ("release.pk",)),
    ("incident", "contamination:incident-detail", ("incident.pk",)),
    ("statistics", "contamination:statistics", ()),
    ("methodology", "contamination:methodology", ()),
    ("data", "contamination:data", ()),
    ("changelog", "contamination:changelog", ()),
    ("embedded map", "contamination:embed-map", ()),
    ("embedded chart", "contamination:embed-chart", ("=killed-injured",)),
    ("statement list", "statements:statement-list", ()),
    ("statement", "statements:statement-detail", ("statement.reference",)),
    ("person list", "statements:person-list", ()),
    ("person", "statements:person-detail", ("person.key",)),
    ("metric list", "statements:metric-list", ()),
    ("metric", "statements:metric-detail", ("metric.code",)),
    ("about", "editorial:about", ()),
    ("privacy", "editorial:privacy", ()),
    ("report an error", "editorial:report", ()),
    ("report sent", "editorial:report-sent", ()),
    ("search", "search:search", ()),
]


def argument(world, name):
    if name.startswith("="):
        return name[1:]
    value = world
    for part in name.split("."):
        value = getattr(value, part)
    return value


def page_path(world, url_name, arguments, language):
    with translation.override(language):
        return reverse(url_name, args=[argument(world, name) for name in arguments])
