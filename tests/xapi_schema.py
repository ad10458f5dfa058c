"""Validation of statements against the third-party xAPI JSON schema in ../shared/conformance/xapi/
(Rustici's TinCanSchema, draft-04, with its string formats registered as regular expressions)."""

import json
import os
import re
from functools import lru_cache
from pathlib import Path

import pytest

# ../shared beside the project root (as CI has it); TRAMHOC_SHARED points elsewhere (e.g. a git worktree)
SHARED = Path(os.environ.get("TRAMHOC_SHARED") or Path(__file__).resolve().parents[1] / ".." / "shared")
XAPI = SHARED / "conformance" / "xapi"
SCHEMA_DIR = XAPI / "tincan-schema" / "1.0.1"
LRS_CASES = XAPI / "lrs-conformance-test-suite" / "derived" / "statement_cases_v1_0_3.json"
VALIDATOR_CASES = XAPI / "tincan-validator" / "test" / "data"


def require_xapi_material() -> Path:
    """The shared xAPI folder, or skip with the reason."""
    if not SCHEMA_DIR.is_dir():
        pytest.skip(f"the xAPI schema is not there: {SCHEMA_DIR} (../shared/ beside the project, or TRAMHOC_SHARED)")
    return XAPI


@lru_cache(maxsize=1)
def _validator():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (test extra) is not installed")
    referencing = pytest.importorskip("referencing", reason="referencing (a jsonschema dependency) is missing")
    from referencing.jsonschema import DRAFT4

    require_xapi_material()
    parts = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMA_DIR.glob("*.json")}
    root = {"$schema": "http://json-schema.org/draft-04/schema#", "definitions": parts}
    # Crawled once: the schema's `id: "#name"` anchors would otherwise be looked up anew for every statement.
    registry = referencing.Registry().with_resource("urn:tincan-schema", DRAFT4.create_resource(root)).crawl()
    formats = json.loads((SCHEMA_DIR / "formats" / "formats.json").read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker(formats=())
    for name, pattern in formats.items():
        compiled = re.compile(pattern)
        checker.checks(name)(lambda value, compiled=compiled: not isinstance(value, str)
                             or compiled.match(value) is not None)
    return jsonschema.Draft4Validator({"$ref": "urn:tincan-schema#statement"}, registry=registry,
                                      format_checker=checker)


def statement_errors(statement: dict) -> list[str]:
    """Every way the statement breaks the xAPI schema (empty when it is valid)."""
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in _validator().iter_errors(statement)]


def is_valid(statement: dict) -> bool:
    return _validator().is_valid(statement)
