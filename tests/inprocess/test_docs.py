"""The project's own documents: docs/api.md against the served OpenAPI document, and
README.md and docs/ pointing at nothing outside the repository."""

import re

from tests.support import ROOT

API = ROOT / "docs" / "api.md"
HEADING = re.compile(r"^(#{1,3}) ", re.MULTILINE)
OPERATION = re.compile(r"^### `(GET|POST|PATCH|PUT|DELETE) (/\S*)`$", re.MULTILINE)


def sections(text):
    """{"METHOD /path": text of its section} for each `### `METHOD /path`` heading."""
    found = {}
    for match in OPERATION.finditer(text):
        following = HEADING.search(text, match.end())
        found[f"{match[1]} {match[2]}"] = text[match.end():following.start() if following else None]
    return found


def served_operations(client):
    document = client.get("/api/v1/openapi.json").json
    return {f"{method.upper()} {path}": set(operation["responses"])
            for path, methods in document["paths"].items()
            for method, operation in methods.items() if method != "parameters"}


def test_api_md_has_a_section_for_every_operation_and_no_other(client):
    # The document and its page are described too, though the document lists neither.
    about_the_document = {"GET /api/v1/openapi.json", "GET /api/v1/docs"}
    assert set(sections(API.read_text())) == set(served_operations(client)) | about_the_document


def test_each_operations_section_names_every_status_it_can_answer(client):
    documented = sections(API.read_text())
    for operation, statuses in served_operations(client).items():
        named = set(re.findall(r"`(\d{3})`", documented[operation]))
        assert statuses <= named, (operation, sorted(statuses - named))


def test_readme_and_docs_link_only_to_files_in_the_repository():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for document in documents:
        text = document.read_text()
        assert "shared/" not in text and "/work/" not in text, document.name
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):  # a URL: http(s), mailto
                continue
            resolved = (document.parent / target).resolve()
            assert resolved.is_relative_to(ROOT) and resolved.exists(), (document.name, target)


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
             ROOT / "sdk" / "python" / "README.md", ROOT / "sdk" / "node" / "README.md"]


def anchors(path):
    """The anchors a page's headings get, as GitHub makes them (a repeated heading's
    with -1, -2, ...)."""
    made, seen = set(), {}
    text = re.sub(r"(?ms)^```.*?^```", "", path.read_text())  # no headings in code
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        made.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return made


def test_every_link_to_a_section_finds_its_heading():
    for document in DOCUMENTS:
        for target, anchor in re.findall(r"\]\(([^)#\s]*)#([^)\s]+)\)", document.read_text()):
            page = (document.parent / target).resolve() if target else document
            if re.match(r"[a-z]+:", target):
                continue
            assert anchor in anchors(page), f"{document.name}: #{anchor} (in {page.name})"
