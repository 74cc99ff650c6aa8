"""A statement's text with each claim's excerpt marked, for pages and the admin."""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def mark_excerpts(statement, claims=None, link=False):
    """Escape the text and wrap each claim's excerpt (first occurrence) in <mark>.

    Overlapping excerpts are marked once, by the one that starts first. With `link`, each mark
    links to the claim's row on the page (#claim-<position>).
    """
    text = statement.text
    claims = list(statement.claims.all() if claims is None else claims)
    spans = []
    for claim in claims:
        start = text.find(claim.excerpt) if claim.excerpt else -1
        if start >= 0:
            spans.append((start, start + len(claim.excerpt), claim))
    spans.sort(key=lambda span: (span[0], -span[1]))
    parts, cursor = [], 0
    for start, end, claim in spans:
        if start < cursor:
            continue
        parts.append(conditional_escape(text[cursor:start]))
        excerpt = text[start:end]
        if link:
            parts.append(
                format_html(
                    '<mark id="excerpt-{0}"><a href="#claim-{0}">{1}</a></mark>',
                    claim.position,
                    excerpt,
                )
            )
        else:
            parts.append(format_html("<mark>{}</mark>", excerpt))
        cursor = end
    parts.append(conditional_escape(text[cursor:]))
    return mark_safe("".join(parts))
