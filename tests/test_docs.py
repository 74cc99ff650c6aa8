"""The README and docs/ point only at files that exist, and carry no working markers."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_every_relative_link_resolves_to_a_file_in_the_repository():
    broken = []
    for document in DOCUMENTS:
        for target in LINK.findall(document.read_text()):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = (document.parent / target.split("#")[0]).resolve()
            if not path.exists() or ROOT not in path.parents:
                broken.append(f"{document.relative_to(ROOT)} → {target}")
    assert broken == []


def test_the_readme_stays_short_and_has_no_owner_markers():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) < 250
    for document in DOCUMENTS:
        assert "(owner:" not in document.read_text(), document.name
