"""`?as_of=` on the API: an answer computed from the records as they were public then.

A view that mixes in `AsOfMixin` runs its whole request inside `as_of.state_at(moment)`
(contamination/as_of.py), so its querysets, statistics, ETag and cache key all belong to the
data version in force at that moment (`data_version.current()` knows it). A malformed or
future `as_of` is a 400 naming the parameter; a moment before any record gives the answer of
an empty database (empty lists, zero figures, `data_version` null).
"""

from contamination import as_of
from contamination.api.base import bad_request


class AsOfMixin:
    """Accept `?as_of=` and answer the whole request from the state at that moment."""

    answers_as_of = True  # the schema documents `as_of` (schema.AS_OF)
    # Answers with per-area figures read the past from temporary tables written once for the
    # request, not from CTEs re-read per area (see contamination/as_of.py).
    materialises_past = ()  # the tracked models to materialise (as_of.state_at)

    def allowed_parameters(self):
        allowed = super().allowed_parameters()
        return allowed | {"as_of"} if self.answers_as_of else allowed

    as_of_error = None

    def dispatch(self, request, *args, **kwargs):
        if not self.answers_as_of:  # a subclass that opts out: `as_of` is an unknown parameter
            return super().dispatch(request, *args, **kwargs)
        # Parsed before DRF's own handling starts, so that everything — filters, figures,
        # the version in the ETag — runs in the past; an error is raised in `initial`, where
        # DRF turns it into a 400 like any other bad parameter.
        self.as_of_error = None
        try:
            moment = as_of.parse(request.GET.get("as_of"))
        except as_of.BadMoment as error:
            self.as_of_error = str(error)
            moment = None
        if moment is None:
            return super().dispatch(request, *args, **kwargs)
        with as_of.state_at(moment, materialise=self.materialises_past):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.as_of_error:
            raise bad_request("as_of", self.as_of_error)
