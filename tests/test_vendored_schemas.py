"""The vendored SARIF and JUnit schemas are present, unmodified and usable, so validation never skips."""

from __future__ import annotations

import hashlib
import json

from conftest import SCHEMAS

DIGESTS = {
    "sarif-schema-2.1.0.json": "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e",
    "junit-10.xsd": "62ca5a7bd8a6b8268818a64192bd8f94dbf38b63eb85a19c159deba08244f1fd",
}


def test_vendored_schemas_are_the_published_files() -> None:
    for name, digest in DIGESTS.items():
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest() == digest, name
        assert digest in (SCHEMAS / "README.md").read_text(encoding="utf-8"), name


def test_licences_travel_with_the_schemas() -> None:
    assert "Gregory Boissinot" in (SCHEMAS / "junit-10.xsd").read_text(encoding="utf-8")
    assert "Gregory Boissinot" in (SCHEMAS / "LICENSE-junit-10.txt").read_text(encoding="utf-8")
    assert "OASIS" in (SCHEMAS / "LICENSE-sarif-schema.txt").read_text(encoding="utf-8")


def test_schemas_load() -> None:
    import jsonschema
    import xmlschema

    jsonschema.Draft4Validator.check_schema(json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text("utf-8")))
    xmlschema.XMLSchema10(str(SCHEMAS / "junit-10.xsd"))
