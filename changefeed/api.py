"""/api/v1/changes/: the public changes of records and statements, as a feed to poll.

`?after=<cursor>` reads the commit-ordered feed (feed.py): a poller who keeps the
`next_cursor` of each answer and passes it back as `after` never misses a change, however
the writers' transactions interleave. `?since=<moment>` still answers as it always has (the
contract in tests/api/expected/changes.json), by the time rows were written: a transaction
that commits after a later one has been read can slip behind a poller's `since`, so it is
documented as the lossy way.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from changefeed import feed
from contamination import data_version
from contamination.api import serializers as record_serializers
from contamination.api.base import json_response
from contamination.api.caching import versioned_response
from contamination.api.schema import (
    FORMAT_JSON,
    MAX_PAGE,
    error_responses,
    no_page_response,
    not_modified_response,
)
from contamination.api.views import CHANGE_KINDS, ChangeList, _iso


class FeedChangeSerializer(serializers.Serializer):
    cursor = serializers.CharField(
        help_text="This change's place in the feed; `after` it reads what came next."
    )
    kind = serializers.ChoiceField(choices=list(feed.KINDS), help_text="What changed.")
    id = serializers.IntegerField(help_text="Its id.")
    reference = serializers.CharField(
        allow_null=True,
        help_text="A record's or statement's reference, a person's key, a metric's code; "
        "null for the others and for deletions of those.",
    )
    change = serializers.ChoiceField(
        choices=["published", "corrected", "retracted", "withdrawn", "republished", "deleted"],
        help_text="`published`: made public; `corrected`: public fields changed; "
        "`retracted`: withdrawn with a public note (it stays, marked); `withdrawn`: no longer "
        "public (drop it); `republished`: public again; `deleted`: removed (drop it).",
    )
    changed = serializers.ListField(
        child=serializers.CharField(),
        help_text="For corrections: which public fields changed, in plain words.",
    )
    committed_at = serializers.DateTimeField(help_text="When the change became public (UTC).")
    retraction_note = serializers.CharField(help_text="Why it was retracted (empty otherwise).")
    url = serializers.CharField(
        allow_null=True,
        help_text="Where the API gives it now; null when it has no page of its own or is gone.",
    )


class FeedPageSerializer(serializers.Serializer):
    next_cursor = serializers.CharField(
        help_text="Pass it as `after` next time (also when `results` is empty)."
    )
    next = serializers.URLField(
        allow_null=True, help_text="More changes are waiting: read this now. Null: up to date."
    )
    data_version = serializers.DateTimeField(
        allow_null=True, help_text="Time of the last public change."
    )
    results = FeedChangeSerializer(
        many=True, help_text="The changes, in the order they were made public."
    )


class CursorParameterForm:
    """`after`: a whole number from 0 (the start of the feed)."""

    @staticmethod
    def clean(text):
        if not text.isdigit() or int(text) > feed.MAX_CURSOR:
            raise ValidationError(
                {"after": ["Give the `next_cursor` of an earlier answer, or 0 for the start."]}
            )
        return int(text)


@extend_schema_view(
    get=extend_schema(
        tags=["sync"],
        description="What was made public, corrected, retracted, withdrawn or deleted, to keep a "
        "local copy in sync: hazard areas, land releases, incidents, statements, claims, people, "
        "metrics, organisations and sources. Drafts never appear. Poll with `after`: start at "
        "`after=0`, follow `next` while it is not null, keep `next_cursor` and pass it as "
        "`after` next time; no change is ever missed or told twice. `since` (records only, by "
        "the time rows were written) is the older, lossy way: a transaction that commits late "
        "can be missed.",
        parameters=[
            OpenApiParameter(
                "after",
                {"type": "string", "pattern": "^[0-9]{1,19}$"},
                description="The `next_cursor` of your last answer; 0 for the whole feed.",
            ),
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="Instead of `after`: records written at or after this moment (ISO "
                "8601; UTC if no zone), paged with `page`. Lossy, see above.",
            ),
            OpenApiParameter(
                "kind",
                str,
                many=True,
                enum=list(feed.KINDS),
                explode=True,
                description="Only these kinds (repeat or comma-separate); with `since`, only "
                f"{', '.join(CHANGE_KINDS)}.",
            ),
            FORMAT_JSON,
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                description="With `since`: page number, from 1. Past the last: 404.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": ChangeList.max_page_size},
                description=f"Changes per answer, {ChangeList.default_page_size} by default, at "
                f"most {ChangeList.max_page_size}.",
            ),
        ],
        responses={
            (200, "application/json"): PolymorphicProxySerializer(
                component_name="ChangesAnswer",
                serializers=[FeedPageSerializer, record_serializers.PaginatedChangesSerializer],
                resource_type_field_name=None,
            ),
            **not_modified_response(),
            **error_responses(),
            **no_page_response(),
        },
    )
)
class ChangeFeed(ChangeList):
    extra_parameters = {"since", "kind", "after"}

    def get(self, request):
        if "after" not in request.GET:
            # The paging parameters are checked before `since` is asked for, so that a bad
            # `page` is named as such rather than hidden behind "since is required".
            self.check_query(request)
            self.page_numbers(request)
            self.kinds(request)
            if "since" not in request.GET:
                raise ValidationError(
                    {
                        "since": [
                            "Give `after` (the `next_cursor` of your last answer, or 0 for the "
                            "whole feed) or `since` (a moment, ISO 8601)."
                        ]
                    }
                )
            return super().get(request)
        self.check_query(request)
        if "since" in request.GET or "page" in request.GET:
            name = "since" if "since" in request.GET else "page"
            raise ValidationError({name: ["Give `after` or `since` (with `page`), not both."]})
        after = CursorParameterForm.clean(request.GET["after"])
        kinds = self.kinds(request)
        _, size = self.page_numbers(request)
        return versioned_response(
            request, lambda version: self.build_page(request, version, after, kinds, size)
        )

    def kinds(self, request):
        kinds = [kind for value in request.GET.getlist("kind") for kind in value.split(",")]
        unknown = sorted(set(kinds) - set(feed.KINDS))
        if unknown or "" in kinds:
            raise ValidationError({"kind": [f"Unknown kind; use any of {', '.join(feed.KINDS)}."]})
        return kinds

    def build_page(self, request, version, after, kinds, size):
        page = feed.read(after, size, kinds)
        following = None
        if page.more:
            query = request.GET.copy()
            query["after"] = str(page.next_cursor)
            following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return json_response(
            {
                "next_cursor": str(page.next_cursor),
                "next": following,
                "data_version": version and data_version.as_text(version),
                "results": [self.row(request, change) for change in page.changes],
            }
        )

    def row(self, request, change):
        spec = feed.KINDS[change.kind]
        url = None
        if spec.url_name and change.change not in ("withdrawn", "deleted"):
            lookup = change.id if spec.url_field == "pk" else change.reference
            url = request.build_absolute_uri(reverse(spec.url_name, args=[lookup]))
        return {
            "cursor": change.cursor,
            "kind": change.kind,
            "id": change.id,
            "reference": change.reference,
            "change": change.change,
            "changed": change.changed,
            "committed_at": _iso(change.committed_at),
            "retraction_note": change.retraction_note,
            "url": url,
        }
