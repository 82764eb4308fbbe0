import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_DIFFERENCES_V2, OBJECT_RESULT_TYPES_V2, validate } from '../src/index.ts';
import { compileUpstreamV2, UPSTREAM_V2_ROOT } from './support/upstream-v2.ts';

const upstream = compileUpstreamV2();

describe('KNOWN_DIFFERENCES_V2', () => {
  it.each(KNOWN_DIFFERENCES_V2.map((entry) => [entry.id, entry] as const))(
    '%s: upstream and validate give the recorded verdicts on the witness',
    (_id, entry) => {
      const theirs = upstream(entry.witness.document) ? 'valid' : 'invalid';
      const ours = validate(entry.witness.document, { version: 'v2', ...entry.witness.options });
      expect({ upstream: theirs, ours: ours.success ? 'valid' : 'invalid' }).toEqual(entry.verdicts);
      if (entry.upstreamReports !== undefined) {
        const { instancePath, missingProperty } = entry.upstreamReports;
        expect(upstream.errors).toEqual(
          expect.arrayContaining([expect.objectContaining({ instancePath, params: { missingProperty } })]),
        );
        const issues = ours.success ? [] : ours.issues;
        expect(issues.some((issue) => issue.path.endsWith(`/${missingProperty}`))).toBe(false);
      }
    },
  );

  it('has unique ids and says whether it follows the intent or the schema as written', () => {
    const ids = KNOWN_DIFFERENCES_V2.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of KNOWN_DIFFERENCES_V2) expect(['intent', 'as-written']).toContain(entry.decision);
  });

  it('speaker-verification-contract-unreachable: upstream keys a contract on a type its enum lacks', () => {
    const contracts = JSON.parse(readFileSync(join(UPSTREAM_V2_ROOT, 'contracts.json'), 'utf8'));
    const master = JSON.parse(readFileSync(join(UPSTREAM_V2_ROOT, 'master.json'), 'utf8'));
    const key = contracts.definitions.objectSpeakerVerification.if.properties.type.const;
    expect(key).toBe('speakerVerification');
    expect(master.definitions.objectResultType.enum).not.toContain(key);
    expect(OBJECT_RESULT_TYPES_V2).not.toContain(key);
    expect(upstream({ object: [{ type: key }] })).toBe(false);
    expect(validate({ object: [{ type: key }] }, { version: 'v2' }).success).toBe(false);
  });

  it('best-path-exactly-one: draft-07 ignores maxContains, so upstream also accepts a lattice without any bestPath', () => {
    const words = ['a', 'b'].map((word) => ({ word, confidence: 0.5, utteranceLength: 1 }));
    const document = { series: [{ startTimeMs: 0, stopTimeMs: 1, words }] };
    expect(upstream(document)).toBe(true);
    expect(validate(document, { version: 'v2' }).success).toBe(false);
  });
});
