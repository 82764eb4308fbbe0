import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATE_TIME_PATTERN, validate } from '../src/index.ts';
import { ECMA_WHITESPACE_CLASS } from '../src/common/patterns.ts';
import { JSON_SCHEMA_DIR } from './support/json-schemas.ts';
import { pythonVerdicts } from './support/python-jsonschema.ts';

function schemaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? schemaFiles(path) : [path];
  });
}

function patternsOf(value: unknown, found: { pattern: string; owner: Record<string, unknown> }[] = []) {
  if (Array.isArray(value)) for (const item of value) patternsOf(item, found);
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.pattern === 'string') found.push({ pattern: record.pattern, owner: record });
    for (const [key, child] of Object.entries(record)) {
      if (key === 'patternProperties')
        for (const pattern of Object.keys(child as object)) found.push({ pattern, owner: {} });
      patternsOf(child, found);
    }
  }
  return found;
}

const UUID = '5a5e4c3b-1d2e-4f50-9a8b-7c6d5e4f3a2b';
const ARABIC_INDIC_DATE = '٢٠١٧-١٢-٠٨T17:19:02Z';

/** Documents whose verdict a lax regex engine would flip, for v1 (per contract file) and v2. */
const REGEX_CASES = [
  { generatedDateUTC: '2017-12-08T17:19:02Z' },
  { generatedDateUTC: '2017-12-08T17:19:02Z\n' },
  { generatedDateUTC: ARABIC_INDIC_DATE },
  { generatedDateUTC: '2017-12-08\u00a017:19:02Z' },
  { generatedDateUTC: '2017-12-08\u001c17:19:02Z' },
  { object: [{ type: 'object', structuredData: { [UUID]: {} } }] },
  { object: [{ type: 'object', structuredData: { [`${UUID}\n`]: {} } }] },
  { validationContracts: [UUID], object: [{ type: 'object', structuredData: { [UUID]: { a: 1 } } }] },
  { validationContracts: [`${UUID}\n`], object: [{ type: 'object', structuredData: { [UUID]: { a: 1 } } }] },
];

describe('portable patterns in the shipped JSON Schemas', () => {
  const files = schemaFiles(JSON_SCHEMA_DIR);

  it('use no \\d, \\s, \\w or lookaround, and pair every $-anchored pattern with a no-trailing-newline rule', () => {
    const patterns = files.flatMap((file) => patternsOf(JSON.parse(readFileSync(file, 'utf8'))));
    expect(patterns.length).toBeGreaterThan(0);
    for (const { pattern, owner } of patterns) {
      expect(pattern).not.toMatch(/\\[dDsSwW]|\(\?[=!<]/);
      // An end anchor, not an escaped `\$` (the `^\$` of v2's metadata keys).
      if (/(?<!\\)\$$/.test(pattern) && pattern !== '\n$') {
        expect(owner.not, pattern).toEqual({ pattern: '\n$' });
      }
    }
  });

  it('spells out exactly ECMA-262 \\s in the date-time separator', () => {
    const explicit = new RegExp(`^[${ECMA_WHITESPACE_CLASS}]$`);
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      if (/^\s$/.test(char) !== explicit.test(char)) throw new Error(`U+${code.toString(16)} differs`);
    }
    expect(DATE_TIME_PATTERN.test('2017-12-08T17:19:02Z')).toBe(true);
  });

  it('gives Python jsonschema the verdicts of validate on trailing newlines and non-ASCII digits (v1)', {
    timeout: 120_000,
  }, () => {
    const ours = REGEX_CASES.map((document) => validate(document, { version: 'v1' }).success);
    expect(ours).toEqual([true, false, false, true, false, true, false, true, false]);
    const theirs = pythonVerdicts(
      JSON_SCHEMA_DIR,
      'https://engine-kit.dev/schemas/vtn-standard/vtn-standard.schema.json',
      REGEX_CASES,
    );
    // The whole-document v1 schema cannot check a declared UUID's data (README), only its name.
    expect(theirs).toEqual(ours);
  });

  it('gives Python jsonschema the verdicts of validate on the same cases (v2)', { timeout: 120_000 }, () => {
    const ours = REGEX_CASES.map((document) => validate(document, { version: 'v2' }).success);
    expect(ours).toEqual([true, false, false, true, false, true, false, true, false]);
    const theirs = pythonVerdicts(
      join(JSON_SCHEMA_DIR, 'v2'),
      'https://engine-kit.dev/schemas/vtn-standard/v2/aion.schema.json',
      REGEX_CASES,
    );
    expect(theirs).toEqual(ours);
  });
});
