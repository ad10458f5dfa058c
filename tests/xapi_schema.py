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
VALIDATOR_CASES = XAPI / "tincan-validator" / "test" / "data"


@lru_cache(maxsize=1)
def _validator():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (test extra) is not installed")
    if not SCHEMA_DIR.is_dir():
        pytest.skip(f"the xAPI schema is not there: {SCHEMA_DIR} (../shared/ beside the project root, or set "
                    f"TRAMHOC_SHARED to the shared folder)")
    parts = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMA_DIR.glob("*.json")}
    root = {"$schema": "http://json-schema.org/draft-04/schema#", "id": "urn:tincan-schema",
            "definitions": parts, "$ref": "#statement"}
    formats = json.loads((SCHEMA_DIR / "formats" / "formats.json").read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker(formats=())
    for name, pattern in formats.items():
        compiled = re.compile(pattern)
        checker.checks(name)(lambda value, compiled=compiled: not isinstance(value, str)
                             or compiled.match(value) is not None)
    return jsonschema.Draft4Validator(root, format_checker=checker)


def statement_errors(statement: dict) -> list[str]:
    """Every way the statement breaks the xAPI schema (empty when it is valid)."""
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in _validator().iter_errors(statement)]
