"""Spelling-insensitive matching, shared by the site search and the statements filter.

Both sides are folded by the database (search_fold, see migrations/0001_search_fold.py): a
row matches when its folded text contains the folded query, or when one of its words is
close to it (pg_trgm's word similarity, threshold 0.6), which forgives a letter or two.
"""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Coalesce, Concat

MAX_QUERY_LENGTH = 200


class Fold(Func):
    function = "search_fold"
    output_field = TextField()


def document(*fields):
    """The fields of a row joined into one text to search (NULLs as empty)."""
    parts = []
    for name in fields:
        expression = F(name) if isinstance(name, str) else name
        parts += [Coalesce(expression, Value(""), output_field=TextField()), Value(" ")]
    return Concat(*parts, output_field=TextField())


def matching(queryset, query, *fields):
    """Rows of `queryset` whose `fields` match `query`, best first, each with `match_score`."""
    folded = Fold(Value(query[:MAX_QUERY_LENGTH]))
    return (
        queryset.annotate(search_doc=Fold(document(*fields)))
        .filter(Q(search_doc__contains=folded) | Q(search_doc__trigram_word_similar=folded))
        .annotate(match_score=TrigramWordSimilarity(folded, "search_doc"))
        .order_by("-match_score", *queryset.query.order_by)
    )
