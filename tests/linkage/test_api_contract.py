"""The contract page and the schema agree (issue 21 item 3).

`docs/api.md` in the project is the page units' integrators read: a copy of the shared contract
(`../shared/docs/api.md`), extended with every operation the schema publishes, one line each. These tests fail when
an operation is added to the code without its line (or a line outlives its operation), and when a path the contract
names is neither served nor listed as not yet built. The shared file is read only where it exists (it is not part of
a clone of the project); the project's copy of its tables is checked on a fresh clone too.
"""

import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

PROJECT_DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
SHARED_DOC = Path(settings.BASE_DIR).parent / "shared" / "docs" / "api.md"
OPERATIONS_HEADING = "## Every operation"
NOT_YET_HEADING = "## In the contract, not yet built"
OUTSIDE_HEADING = "## Outside the schema"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
OPERATION_LINE = re.compile(r"^\| (?P<method>[A-Z]+) \| `(?P<path>/api/v1/[^`]*)` \| (?P<who>[^|]*) \| (?P<what>[^|]*) \|$")
CONTRACT_PATH = re.compile(r"`(/api/v1/[^`\s]*)`")


def section(text, heading):
    """The lines under `heading` up to the next heading of the same level."""
    start = text.index(heading)
    rest = text[start + len(heading):]
    end = rest.find("\n## ")
    return rest if end == -1 else rest[:end]


def documented_operations(text):
    operations = []
    for line in section(text, OPERATIONS_HEADING).splitlines():
        if line.startswith("| ") and line.split("|")[1].strip() in METHODS:
            match = OPERATION_LINE.match(line)
            assert match, f"an operation line must read | METHOD | `path` | who | what |: {line}"
            assert match["who"].strip() and match["what"].strip(), f"who and what are both needed: {line}"
            operations.append((match["method"], match["path"]))
    return operations


def not_yet_built(text):
    return set(CONTRACT_PATH.findall(section(text, NOT_YET_HEADING)))


def outside_the_schema(text):
    return set(CONTRACT_PATH.findall(section(text, OUTSIDE_HEADING)))


def shape(path):
    """A path with its parameters' names left out and its query dropped: `/api/v1/units/{}/`."""
    return re.sub(r"\{[^}]*\}", "{}", path.split("?", 1)[0])


def expand(path):
    """`/api/v1/listings/{id}/approve|delete/` names two paths."""
    choices = [segment.split("|") for segment in shape(path).split("/")]
    return {"/".join(segments) for segments in itertools.product(*choices)}


def contract_paths(text):
    """Every absolute path the contract's tables name (relative ones like `/{id}/` extend the line's first)."""
    return {shaped for path in CONTRACT_PATH.findall(text) for shaped in expand(path)}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def project_doc():
    assert PROJECT_DOC.exists(), "docs/api.md belongs to the project"
    return PROJECT_DOC.read_text(encoding="utf-8")


def schema_operations(schema):
    return {(method.upper(), path) for path, item in schema["paths"].items() for method in item
            if method.upper() in METHODS}


def test_every_operation_of_the_schema_has_one_line_and_every_line_an_operation(schema, project_doc):
    documented = documented_operations(project_doc)
    assert len(documented) == len(set(documented)), "an operation is listed twice"
    published = schema_operations(schema)
    assert sorted(published - set(documented)) == [], "operations missing from docs/api.md"
    assert sorted(set(documented) - published) == [], "lines of docs/api.md without an operation"


def test_the_paths_not_yet_built_are_really_missing(schema, project_doc):
    served = {shape(path) for path in schema["paths"]}
    assert sorted({shape(path) for path in not_yet_built(project_doc)} & served) == [], \
        "built now: move these to the list of operations"


def test_the_paths_outside_the_schema_are_served(schema, project_doc):
    outside = outside_the_schema(project_doc)
    assert outside == {"/api/v1/schema/", "/api/v1/docs/"}
    for path in outside:
        resolve(path)  # Resolver404 otherwise
        assert path not in schema["paths"]


def _check_contract(contract_text, project_doc, schema):
    listed = {shape(path) for _, path in documented_operations(project_doc)}
    pending = {shape(path) for path in not_yet_built(project_doc) | outside_the_schema(project_doc)}
    missing = sorted(path for path in contract_paths(contract_text) if path not in listed | pending)
    assert missing == [], "paths of the contract neither documented as operations nor listed as not yet built"


def test_every_path_of_the_contract_is_served_or_listed_as_not_yet_built(schema, project_doc):
    """The project's copy of the contract always; the shared contract too where it sits beside the project: each of
    its paths is in the project's page, and served (or listed as not yet built)."""
    _check_contract(project_doc[:project_doc.index(OPERATIONS_HEADING)], project_doc, schema)
    if SHARED_DOC.exists():
        shared = SHARED_DOC.read_text(encoding="utf-8")
        absent = sorted(path for path in set(CONTRACT_PATH.findall(shared)) if f"`{path}`" not in project_doc)
        assert absent == [], "paths of ../shared/docs/api.md missing from docs/api.md"
        _check_contract(shared, project_doc, schema)


def test_the_parsers_read_the_contract_forms():
    assert expand("/api/v1/listings/{id}/approve|delete/") == {"/api/v1/listings/{}/approve/",
                                                                "/api/v1/listings/{}/delete/"}
    assert expand("/api/v1/listings/feed/?since=<ISO time>") == {"/api/v1/listings/feed/"}
    doc = f"{OPERATIONS_HEADING}\n| method | path | who | what |\n| --- | --- | --- | --- |\n" \
          "| GET | `/api/v1/units/` | all roles | 成员单位列表 |\n"
    assert documented_operations(doc) == [("GET", "/api/v1/units/")]
    with pytest.raises(AssertionError):
        documented_operations(doc.replace("all roles", " "))
