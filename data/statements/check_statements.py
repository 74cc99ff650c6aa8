#!/usr/bin/env python3
"""Standalone checker for data/statements/statements.json (stdlib only).

Usage:
    python3 data/statements/check_statements.py [path/to/statements.json]

Checks the structure and internal consistency of the file. When the
hand-compiled originals are present (../shared/data relative to the project,
or the directory in $MINE_ATLAS_SHARED_DATA), it also checks that

* every verbatim text occurs exactly in statements.md (or, for short quotes
  taken from figures.csv, in a note of figures.csv), and every original_text
  occurs in statements.md;
* every block quote of statements.md is carried by some statement;
* every claim with a figures_row matches that row (value, as_of, source URL);
* every scope code exists in boundaries/azerbaijan_adm1.geojson.

Those parts are skipped (with a message) if the files are absent.
Exit status 0 when every check passes, 1 otherwise.
"""

import csv
import datetime
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
SHARED = Path(os.environ.get("MINE_ATLAS_SHARED_DATA", PROJECT.parent / "shared" / "data"))

N_FIGURE_ROWS = 79

SIDES = {"az", "am", "int"}
OCCASIONS = {
    "interview",
    "speech",
    "press_release",
    "social_media_post",
    "report",
    "court_filing",
    "news_report",
}
TEXT_KINDS = {"verbatim", "paraphrase"}
PRECISIONS = {"day", "month", "year", "unknown"}
QUALIFIERS = {"more_than", "about", "exactly", "up_to", "at_least", "less_than"}
ORG_KINDS = {
    "national_authority",
    "operator",
    "un_agency",
    "government",
    "media",
    "ngo",
    "court",
    "research",
    "other",
}
UNITS = {
    "km2",
    "ha",
    "m2",
    "pct",
    "items",
    "mines",
    "people",
    "maps",
    "incidents",
    "countries",
    "usd",
    "eur",
}

TOP_KEYS = {"metrics", "organisations", "people", "statements"}
METRIC_KEYS = {"code", "label", "unit", "description"}
ORG_KEYS = {"key", "name", "acronym", "kind", "country", "website"}
PERSON_KEYS = {"key", "name", "name_variants"}
STATEMENT_KEYS = {
    "key",
    "side",
    "speaker_person",
    "speaker_organisation",
    "role",
    "date",
    "date_precision",
    "date_note",
    "occasion",
    "text_kind",
    "language",
    "text",
    "original_language",
    "original_text",
    "translation_note",
    "note",
    "sources",
    "claims",
}
SOURCE_KEYS = {
    "publisher",
    "title",
    "url",
    "published_on",
    "archived_url",
    "language",
    "is_reprint",
    "note",
}
CLAIM_KEYS = {
    "excerpt",
    "metric",
    "value",
    "value_max",
    "unit",
    "qualifier",
    "as_of",
    "as_of_precision",
    "since",
    "scope",
    "scope_note",
    "figures_row",
    "note",
}
CLAIM_OPTIONAL = {"excerpt_in"}

# Words that would pass a verdict; allowed only inside quoted text.
VERDICT = re.compile(
    r"\b(false|falsely|true|untrue|misleading|lie|lies|"
    r"lied|lying|liar|propaganda|fake|bogus|debunk\w*|"
    r"disinformation|fabricat\w*)\b",
    re.IGNORECASE,
)
QUOTED_FIELDS = {"text", "original_text", "excerpt"}

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
LANG = re.compile(r"^[a-z]{2}$")

errors = []


def fail(where, msg):
    errors.append(f"{where}: {msg}")


def check_date(where, value, precision, allow_precisions=PRECISIONS):
    """value must match precision: day YYYY-MM-DD, month YYYY-MM, year YYYY,
    unknown -> null."""
    if precision not in allow_precisions:
        fail(where, f"bad precision {precision!r}")
        return
    if value is None:
        if precision != "unknown":
            fail(where, f"date is null but precision is {precision!r}")
        return
    if not isinstance(value, str):
        fail(where, f"date {value!r} is not a string")
        return
    try:
        if precision == "day":
            datetime.date.fromisoformat(value)
            ok = re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
        elif precision == "month":
            ok = re.fullmatch(r"\d{4}-(\d{2})", value)
            ok = ok and 1 <= int(ok.group(1)) <= 12
        elif precision == "year":
            ok = re.fullmatch(r"\d{4}", value)
        else:
            ok = False
    except ValueError:
        ok = False
    if not ok:
        fail(where, f"date {value!r} does not parse with precision {precision!r}")


def check_full_date(where, value):
    if value is None:
        return
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        datetime.date.fromisoformat(value)
    except (ValueError, TypeError):
        fail(where, f"{value!r} is not YYYY-MM-DD")


def walk_strings(obj, path=""):
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from walk_strings(v, path + "." + k if path else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk_strings(v, "%s[%d]" % (path, i))


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def unwrap_blockquotes(md):
    """statements.md with the '> ' block-quote markers removed, so that a
    multi-paragraph quote reads as 'para1\\n\\npara2'."""
    out = []
    for line in md.split("\n"):
        if line.startswith("> "):
            out.append(line[2:])
        elif line == ">":
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def blockquotes(md):
    """Each block quote of statements.md as unwrapped text."""
    quotes, cur = [], []
    for line in md.split("\n") + [""]:
        if line.startswith(">"):
            cur.append(line[2:] if line.startswith("> ") else "")
        elif cur:
            quotes.append("\n".join(cur))
            cur = []
    return quotes


def main(argv):
    path = Path(argv[1]) if len(argv) > 1 else HERE / "statements.json"
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)

    if set(data) != TOP_KEYS:
        fail("top", f"keys {sorted(data)}, expected {sorted(TOP_KEYS)}")

    # ---- metrics
    metric_units = {}
    for i, m in enumerate(data.get("metrics", [])):
        w = "metrics[%d]" % i
        if set(m) != METRIC_KEYS:
            fail(w, f"keys {sorted(m)}")
        code = m.get("code")
        if not isinstance(code, str) or not SNAKE.match(code):
            fail(w, f"code {code!r} is not lowercase_snake")
        if code in metric_units:
            fail(w, f"duplicate metric code {code!r}")
        if m.get("unit") not in UNITS:
            fail(w, "unit {!r} not in {}".format(m.get("unit"), sorted(UNITS)))
        for k in ("label", "description"):
            if not m.get(k):
                fail(w, f"empty {k}")
        metric_units[code] = m.get("unit")

    # ---- organisations
    org_keys = set()
    for i, o in enumerate(data.get("organisations", [])):
        w = "organisations[%d]" % i
        if set(o) != ORG_KEYS:
            fail(w, f"keys {sorted(o)}")
        if not SLUG.match(o.get("key") or ""):
            fail(w, "key {!r} is not a slug".format(o.get("key")))
        if o.get("key") in org_keys:
            fail(w, "duplicate key {!r}".format(o.get("key")))
        org_keys.add(o.get("key"))
        if o.get("kind") not in ORG_KINDS:
            fail(w, "kind {!r}".format(o.get("kind")))
        if not re.fullmatch(r"([A-Z]{2})?", o.get("country") or "") or o.get("country") is None:
            fail(w, "country {!r} is not ISO alpha-2 or ''".format(o.get("country")))
        if not o.get("name"):
            fail(w, "empty name")
        if not isinstance(o.get("acronym"), str):
            fail(w, "acronym must be a string")
        web = o.get("website")
        if web is not None and not re.match(r"^https?://", web):
            fail(w, f"website {web!r}")

    # ---- people
    person_keys = set()
    for i, p in enumerate(data.get("people", [])):
        w = "people[%d]" % i
        if set(p) != PERSON_KEYS:
            fail(w, f"keys {sorted(p)}")
        if not SLUG.match(p.get("key") or ""):
            fail(w, "key {!r} is not a slug".format(p.get("key")))
        if p.get("key") in person_keys:
            fail(w, "duplicate key {!r}".format(p.get("key")))
        person_keys.add(p.get("key"))
        if not p.get("name"):
            fail(w, "empty name")
        nv = p.get("name_variants")
        if not isinstance(nv, list) or not all(isinstance(x, str) for x in nv):
            fail(w, "name_variants must be a list of strings")

    # ---- optional reference files
    md = md_unwrapped = None
    md_path = SHARED / "statements.md"
    if md_path.is_file():
        md = md_path.read_text(encoding="utf-8")
        md_unwrapped = unwrap_blockquotes(md)
    else:
        print(f"note: {md_path} not found - skipping the statements.md comparison")
    fig_rows = None
    csv_path = SHARED / "figures.csv"
    if csv_path.is_file():
        with open(csv_path, encoding="utf-8", newline="") as fh:
            fig_rows = list(csv.DictReader(fh))
        if len(fig_rows) != N_FIGURE_ROWS:
            fail("figures.csv", "has %d data rows, expected %d" % (len(fig_rows), N_FIGURE_ROWS))
    else:
        print(f"note: {csv_path} not found - skipping the figures.csv comparison")
    scope_codes = None
    geo_path = SHARED / "boundaries" / "azerbaijan_adm1.geojson"
    if geo_path.is_file():
        with open(geo_path, encoding="utf-8") as fh:
            geo = json.load(fh)
        scope_codes = {f["properties"].get("iso_3166_2") for f in geo["features"]} - {None}
        scope_codes.add("AZ")
    else:
        print(f"note: {geo_path} not found - checking scope codes by pattern only")

    # ---- statements and claims
    st_keys = set()
    rows_seen = []
    all_texts = []
    for i, s in enumerate(data.get("statements", [])):
        w = "statements[%d] (%s)" % (i, s.get("key"))
        if set(s) != STATEMENT_KEYS:
            fail(
                w,
                f"keys: missing {sorted(STATEMENT_KEYS - set(s))}, extra {sorted(set(s) - STATEMENT_KEYS)}",
            )
        key = s.get("key")
        if not isinstance(key, str) or not SLUG.match(key):
            fail(w, "key is not a slug")
        if key in st_keys:
            fail(w, "duplicate statement key")
        st_keys.add(key)
        if s.get("side") not in SIDES:
            fail(w, "side {!r}".format(s.get("side")))
        sp, so = s.get("speaker_person"), s.get("speaker_organisation")
        if sp is None and so is None:
            fail(w, "no speaker (person or organisation)")
        if sp is not None and sp not in person_keys:
            fail(w, f"unknown person {sp!r}")
        if so is not None and so not in org_keys:
            fail(w, f"unknown organisation {so!r}")
        if not isinstance(s.get("role"), str):
            fail(w, "role must be a string")
        check_date(w + ".date", s.get("date"), s.get("date_precision"))
        if s.get("date") is None and not s.get("date_note"):
            fail(w, "date is null but date_note is empty")
        if s.get("occasion") not in OCCASIONS:
            fail(w, "occasion {!r}".format(s.get("occasion")))
        if s.get("text_kind") not in TEXT_KINDS:
            fail(w, "text_kind {!r}".format(s.get("text_kind")))
        if not LANG.match(s.get("language") or ""):
            fail(w, "language {!r}".format(s.get("language")))
        text = s.get("text")
        if not isinstance(text, str) or not text.strip():
            fail(w, "empty text")
            text = ""
        all_texts.append(text)
        orig = s.get("original_text")
        olang = s.get("original_language")
        if not isinstance(orig, str) or not isinstance(olang, str):
            fail(w, "original_text/original_language must be strings")
            orig, olang = "", ""
        if bool(orig) != bool(olang):
            fail(w, "original_text and original_language go together")
        if olang and not LANG.match(olang):
            fail(w, f"original_language {olang!r}")
        if orig:
            all_texts.append(orig)
        for k in ("date_note", "translation_note", "note"):
            if not isinstance(s.get(k), str):
                fail(w, f"{k} must be a string")
        if s.get("text_kind") == "paraphrase" and re.search(r"[\"“”]", text):
            fail(w, "a paraphrase must not contain quotation marks")

        # sources
        srcs = s.get("sources")
        if not isinstance(srcs, list) or not srcs:
            fail(w, "needs at least one source")
            srcs = []
        src_urls = set()
        for j, src in enumerate(srcs):
            ws = "%s.sources[%d]" % (w, j)
            if set(src) != SOURCE_KEYS:
                fail(ws, f"keys {sorted(src)}")
            if not src.get("publisher"):
                fail(ws, "empty publisher")
            url = src.get("url")
            if url is not None and not re.match(r"^https?://\S+$", url):
                fail(ws, f"url {url!r}")
            src_urls.add(url)
            check_full_date(ws + ".published_on", src.get("published_on"))
            if src.get("language") is not None and not LANG.match(src.get("language")):
                fail(ws, "language {!r}".format(src.get("language")))
            if not isinstance(src.get("is_reprint"), bool):
                fail(ws, "is_reprint must be a boolean")
            if not isinstance(src.get("archived_url"), str):
                fail(ws, "archived_url must be a string")

        # claims
        for j, c in enumerate(s.get("claims") or []):
            wc = "%s.claims[%d]" % (w, j)
            keys = set(c)
            if not (CLAIM_KEYS <= keys <= CLAIM_KEYS | CLAIM_OPTIONAL):
                fail(
                    wc,
                    f"keys: missing {sorted(CLAIM_KEYS - keys)}, extra {sorted(keys - CLAIM_KEYS - CLAIM_OPTIONAL)}",
                )
            where = c.get("excerpt_in", "text")
            if where not in ("text", "original"):
                fail(wc, f"excerpt_in {where!r}")
            hay = orig if where == "original" else text
            ex = c.get("excerpt")
            if not isinstance(ex, str) or not ex or ex not in hay:
                fail(wc, f"excerpt {ex!r} is not a substring of the {where}")
            if c.get("metric") not in metric_units:
                fail(wc, "unknown metric {!r}".format(c.get("metric")))
            v, vmax = c.get("value"), c.get("value_max")
            if not is_number(v):
                fail(wc, f"value {v!r} is not a number")
            if vmax is not None and (not is_number(vmax) or (is_number(v) and vmax < v)):
                fail(wc, f"value_max {vmax!r}")
            if c.get("unit") not in UNITS:
                fail(wc, "unit {!r}".format(c.get("unit")))
            if c.get("qualifier") not in QUALIFIERS:
                fail(wc, "qualifier {!r}".format(c.get("qualifier")))
            check_date(wc + ".as_of", c.get("as_of"), c.get("as_of_precision"))
            check_full_date(wc + ".since", c.get("since"))
            scope = c.get("scope")
            if scope == "":
                if not c.get("scope_note"):
                    fail(wc, "an empty scope needs a scope_note")
            elif scope_codes is not None:
                if scope not in scope_codes:
                    fail(wc, f"scope {scope!r} not in the ADM1 codes")
            elif not re.fullmatch(r"AZ(-[A-Z]{2,3})?", scope or ""):
                fail(wc, f"scope {scope!r}")
            for k in ("scope_note", "note"):
                if not isinstance(c.get(k), str):
                    fail(wc, f"{k} must be a string")
            fr = c.get("figures_row")
            if fr is not None:
                if not isinstance(fr, int) or isinstance(fr, bool):
                    fail(wc, f"figures_row {fr!r} is not an integer")
                    continue
                rows_seen.append(fr)
                if fig_rows is not None and 1 <= fr <= len(fig_rows):
                    row = fig_rows[fr - 1]
                    if is_number(v) and float(row["value"]) != float(v):
                        fail(wc, "value %r != figures.csv row %d value %r" % (v, fr, row["value"]))
                    if (row["as_of"] or None) != c.get("as_of"):
                        fail(
                            wc,
                            "as_of %r != figures.csv row %d as_of %r"
                            % (c.get("as_of"), fr, row["as_of"]),
                        )
                    if row["source_url"] and row["source_url"] not in src_urls:
                        fail(
                            wc,
                            "statement does not cite figures.csv row "
                            "%d source_url %s" % (fr, row["source_url"]),
                        )
                    if (
                        row["note"]
                        and row["note"] not in (c.get("note") or "")
                        and row["note"] not in s.get("note", "")
                    ):
                        fail(wc, "figures.csv row %d note not kept" % fr)

        # exact texts against the originals
        if s.get("text_kind") == "verbatim" and md is not None:
            in_md = text in md or text in md_unwrapped
            in_csv = fig_rows is not None and any(text in r["note"] for r in fig_rows)
            if not (in_md or in_csv):
                fail(
                    w,
                    "verbatim text not found exactly in statements.md"
                    + (" or figures.csv" if fig_rows is not None else ""),
                )
            if "\n\n" in text:
                for para in text.split("\n\n"):
                    if para not in md:
                        fail(w, f"paragraph not found exactly in statements.md: {para[:60]!r}")
        if orig and md is not None and orig not in md and orig not in md_unwrapped:
            fail(w, "original_text not found exactly in statements.md")

    # ---- figures rows: exactly one claim per row
    expected = set(range(1, N_FIGURE_ROWS + 1))
    if len(rows_seen) != len(set(rows_seen)):
        dups = sorted({r for r in rows_seen if rows_seen.count(r) > 1})
        fail("claims", f"figures_row used more than once: {dups}")
    if set(rows_seen) != expected:
        fail(
            "claims",
            "figures_row set != 1..%d (missing %s, extra %s)"
            % (N_FIGURE_ROWS, sorted(expected - set(rows_seen)), sorted(set(rows_seen) - expected)),
        )

    # ---- every block quote of statements.md is carried by a statement
    if md is not None:
        for q in blockquotes(md):
            if not any(q in t for t in all_texts):
                fail("statements.md", f"block quote not carried by any statement: {q[:70]!r}")

    # ---- neutral voice outside quoted text
    # (a paraphrase is our own wording, so its text and excerpts count too)
    for p, sval in walk_strings(data):
        field = p.rsplit(".", 1)[-1]
        if field in QUOTED_FIELDS:
            m = re.match(r"statements\[(\d+)\]", p)
            if not (
                m
                and data["statements"][int(m.group(1))].get("text_kind") == "paraphrase"
                and field != "original_text"
            ):
                continue
        for m in VERDICT.finditer(sval):
            fail(p, f"verdict word {m.group(0)!r} outside quoted text")

    n_claims = sum(len(s.get("claims") or []) for s in data["statements"])
    if errors:
        for e in errors:
            print("FAIL", e)
        print("%d problem(s)" % len(errors))
        return 1
    print(
        "OK: %d statements, %d claims, %d people, %d organisations, "
        "%d metrics"
        % (
            len(data["statements"]),
            n_claims,
            len(data["people"]),
            len(data["organisations"]),
            len(data["metrics"]),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
