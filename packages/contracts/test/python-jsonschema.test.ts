import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createSchemaAjv } from '../../../tooling/testing/json-schema.ts';
import {
  AsyncAcknowledgementSchema,
  CONTRACT_JSON_SCHEMA_BASE_URL,
  CONTRACT_MESSAGES,
  type ContractMessageName,
  FailureReasonSchema,
  ProcessResponseBodySchema,
  parseHeartbeat,
  parseMultipartResultFields,
  parseProcessRequest,
  parseResult,
  parseTaskPayload,
  TaskFailureReasonSchema,
  validateManifest,
} from '../src/index.ts';
import { readAllSchemas, readCommittedSchemas, readFixtures } from './helpers.ts';

/**
 * Python `jsonschema` (Debian `python3-jsonschema`) judges the shipped schemas as Ajv and zod do: the
 * fixtures, and mutants aimed at the places where regex engines differ (a trailing newline after a `$`,
 * digits other than 0-9, Unicode white space). CI installs python3-jsonschema; without it this suite
 * fails in CI and is skipped (saying why) elsewhere.
 */
const PYTHON_JUDGE = `
import json, sys
from jsonschema import validators
from referencing import Registry, Resource
payload = json.load(sys.stdin)
registry = Registry().with_resources(
    [(schema["$id"], Resource.from_contents(schema)) for schema in payload["schemas"]]
)
by_id = {schema["$id"]: schema for schema in payload["schemas"]}
verdicts = []
for case in payload["cases"]:
    schema = by_id[case["schema"]]
    validator = validators.validator_for(schema)(schema, registry=registry)
    verdicts.append(validator.is_valid(case["instance"]))
json.dump(verdicts, sys.stdout)
`;

function pythonJsonschemaAvailable(): boolean {
  const probe = spawnSync('python3', ['-c', 'import jsonschema, referencing'], { encoding: 'utf8' });
  return probe.status === 0;
}

const available = pythonJsonschemaAvailable();
if (!available && process.env.CI) {
  throw new Error(
    'python3-jsonschema is not installed; CI must install it (apt-get install -y python3-jsonschema).',
  );
}

const zodAccepts: Record<ContractMessageName, (json: unknown) => boolean> = {
  ProcessRequest: (json) => parseProcessRequest(json as Record<string, string>).success,
  TaskPayload: (json) => parseTaskPayload(json).success,
  ProcessResponse: (json) => ProcessResponseBodySchema.safeParse(json).success,
  AsyncAcknowledgement: (json) => AsyncAcknowledgementSchema.safeParse(json).success,
  Heartbeat: (json) => parseHeartbeat(json).success,
  Result: (json) => parseResult(json).success,
  MultipartResultFields: (json) => parseMultipartResultFields(json as Record<string, string>).success,
  FailureReason: (json) => FailureReasonSchema.safeParse(json).success,
  TaskFailureReason: (json) => TaskFailureReasonSchema.safeParse(json).success,
  EngineManifest: (json) => validateManifest(json).success,
};

interface Case {
  label: string;
  message: ContractMessageName;
  instance: unknown;
  /** False for mutants whose zod rule goes beyond JSON Schema (the `payload` text is parsed as JSON). */
  zodComparable: boolean;
}

const ARABIC_INDIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

/** Mutants of a fixture's top-level string fields where regex engines are known to differ. */
function mutants(message: ContractMessageName, name: string, json: unknown): Case[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return [];
  const record = json as Record<string, unknown>;
  const cases: Case[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'string') continue;
    const variants: Record<string, string> = {
      'trailing newline': `${value}\n`,
      'non-ASCII digits': value.replace(/[0-9]/g, (digit) => ARABIC_INDIC_DIGITS[Number(digit)] as string),
      'no-break space': `\u00a0${value}`,
    };
    for (const [kind, mutated] of Object.entries(variants)) {
      if (mutated === value) continue;
      cases.push({
        label: `${message}/${name} ${key}: ${kind}`,
        message,
        instance: { ...record, [key]: mutated },
        zodComparable: key !== 'payload',
      });
    }
  }
  if (message === 'Result') {
    cases.push({
      label: `${message}/${name} chunk-metadata key with a newline`,
      message,
      instance: { ...record, 'chunk-metadata-a\n': 3 },
      zodComparable: true,
    });
  }
  return cases;
}

function allCases(): Case[] {
  const cases: Case[] = [];
  for (const kind of ['valid', 'invalid'] as const) {
    for (const fixture of readFixtures(kind)) {
      const message = fixture.message as ContractMessageName;
      cases.push({
        label: `${kind} ${message}/${fixture.name}`,
        message,
        instance: fixture.json,
        zodComparable: true,
      });
      cases.push(...mutants(message, fixture.name, fixture.json));
    }
  }
  return cases;
}

function pythonVerdicts(cases: readonly Case[]): boolean[] {
  const schemaIds = new Map(
    CONTRACT_MESSAGES.map((message) => [message.name, `${CONTRACT_JSON_SCHEMA_BASE_URL}${message.file}`]),
  );
  const payload = JSON.stringify({
    schemas: readAllSchemas(),
    cases: cases.map((entry) => ({ schema: schemaIds.get(entry.message), instance: entry.instance })),
  });
  const run = spawnSync('python3', ['-c', PYTHON_JUDGE], {
    input: payload,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python3 jsonschema failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as boolean[];
}

describe.skipIf(!available)(
  'Python jsonschema on the shipped schemas (skipped: python3-jsonschema is not installed)',
  () => {
    const cases = allCases();
    const ajv = createSchemaAjv(readAllSchemas());
    const verdicts = pythonVerdicts(cases);

    it('runs on every fixture and its regex mutants', () => {
      expect(cases.length).toBeGreaterThan(100);
      expect(verdicts).toHaveLength(cases.length);
    });

    it('gives the same verdict as Ajv and zod on each of them', () => {
      const disagreements = cases.flatMap((entry, index) => {
        const file = CONTRACT_MESSAGES.find((message) => message.name === entry.message)?.file;
        const ajvVerdict =
          ajv.getSchema(`${CONTRACT_JSON_SCHEMA_BASE_URL}${file}`)?.(entry.instance) === true;
        const zodVerdict = entry.zodComparable ? zodAccepts[entry.message](entry.instance) : ajvVerdict;
        const pythonVerdict = verdicts[index];
        return pythonVerdict === ajvVerdict && ajvVerdict === zodVerdict
          ? []
          : [`${entry.label}: python ${pythonVerdict}, ajv ${ajvVerdict}, zod ${zodVerdict}`];
      });
      expect(disagreements).toEqual([]);
    });
  },
);

describe('shipped patterns are portable across ECMA-262, Python re and RE2', () => {
  function patternsOf(node: unknown, found: string[] = []): string[] {
    if (Array.isArray(node)) for (const item of node) patternsOf(item, found);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') found.push(value);
        else if (key === 'patternProperties' && value !== null && typeof value === 'object') {
          found.push(...Object.keys(value));
          patternsOf(Object.values(value), found);
        } else patternsOf(value, found);
      }
    }
    return found;
  }

  it('use no \\d, \\w, \\b, no \\s outside [\\s\\S], no lookaround and no back-reference', () => {
    const patterns = patternsOf(readCommittedSchemas());
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) {
      const outsideAnyCharacter = pattern.split('[\\s\\S]').join('');
      expect(outsideAnyCharacter, pattern).not.toMatch(/\\[dDwWbBsS]|\(\?[=!<]|\\[1-9]/);
    }
  });
});
