"""Verdicts of Python's jsonschema on documents, for the cross-language tests.

Usage: python3 jsonschema_verdicts.py SCHEMA_DIR ROOT_ID < documents.json
Loads every *.json in SCHEMA_DIR (not recursive) as a draft 2020-12 resource, validates each
document of the JSON array on stdin against ROOT_ID and prints a JSON array of booleans.
"""

import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def main() -> None:
    schema_dir, root_id = sys.argv[1], sys.argv[2]
    resources = []
    for path in sorted(pathlib.Path(schema_dir).glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    root = registry.contents(root_id)
    validator = jsonschema.Draft202012Validator(root, registry=registry)
    documents = json.loads(sys.stdin.read())
    json.dump([validator.is_valid(document) for document in documents], sys.stdout)


main()
