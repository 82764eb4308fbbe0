#!/usr/bin/env python3
"""Verdicts of Python's jsonschema on the JSON Schema files engine-kit ships.

Usage: check-schemas.py CASES.json

CASES.json holds {"schemaRoots": [dir, ...], "cases": [{"id", "schema", "document", "expected"}]}:
`schema` is the `$id` of the schema to check `document` against and `expected` the verdict of
`validate` from @engine-kit/vtn-standard. Every schema file under the roots is registered by its
`$id`, so cross-file `$ref`s resolve offline. Formats are not asserted (jsonschema's default for
draft 2020-12), so the verdicts rest on the schemas' own keywords and patterns, as most users run it.
Prints one line per disagreement and a summary; exits 1 when any case disagrees.

Works with Debian's python3-jsonschema 4.10 (RefResolver) and with 4.18+ (referencing).
"""
import json
import os
import sys

import jsonschema
from jsonschema import Draft202012Validator


def load_schemas(roots):
    schemas = {}
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in sorted(files):
                if name.endswith(".schema.json"):
                    with open(os.path.join(folder, name), encoding="utf-8") as handle:
                        schema = json.load(handle)
                    schemas[schema["$id"]] = schema
    return schemas


def validator_factory(schemas):
    try:
        from referencing import Registry, Resource

        registry = Registry().with_resources(
            (schema_id, Resource.from_contents(schema)) for schema_id, schema in schemas.items()
        )
        return lambda schema: Draft202012Validator(schema, registry=registry)
    except ImportError:
        def make(schema):
            resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=dict(schemas))
            return Draft202012Validator(schema, resolver=resolver)

        return make


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    schemas = load_schemas(spec["schemaRoots"])
    make = validator_factory(schemas)
    validators = {}
    disagreements = 0
    for case in spec["cases"]:
        schema_id = case["schema"]
        if schema_id not in schemas:
            print(f"MISSING SCHEMA {schema_id} for {case['id']}")
            disagreements += 1
            continue
        if schema_id not in validators:
            validators[schema_id] = make(schemas[schema_id])
        try:
            verdict = validators[schema_id].is_valid(case["document"])
        except Exception as error:  # a schema Python cannot run is a disagreement, not a crash
            print(f"ERROR {case['id']}: {type(error).__name__}: {error}")
            disagreements += 1
            continue
        if verdict != case["expected"]:
            disagreements += 1
            print(f"DISAGREE {case['id']}: jsonschema says {verdict}, validate says {case['expected']}")
    version = getattr(jsonschema, "__version__", "?") if sys.version_info < (3, 8) else _version()
    print(f"jsonschema {version}: {len(spec['cases'])} cases, {disagreements} disagreements")
    sys.exit(1 if disagreements else 0)


def _version():
    try:
        from importlib.metadata import version

        return version("jsonschema")
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
