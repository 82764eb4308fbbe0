/**
 * Every deliberate difference between `validate(doc, { version: 'v2' })` and upstream's v2
 * schema (`aion/schema.json` with `master.json` and `contracts.json`, run by Ajv 8 in draft-07
 * mode). Each one has a witness document; test/known-differences-v2.test.ts runs both on it, so
 * a difference that disappears fails the tests, and the differential fuzz test fails on any
 * disagreement that no entry explains. README "VTN v2" renders this list.
 */

export interface KnownDifferenceV2 {
  id: string;
  /** What upstream's schema does, and what we do. */
  summary: string;
  /** Why: the stated intent (or the reason to keep the schema as written). */
  reason: string;
  /** `intent`: we follow the stated intent; `as-written`: we keep the schema's behaviour. */
  decision: 'intent' | 'as-written';
  witness: {
    document: unknown;
    /** The options to pass to `validate` besides `version: 'v2'`. */
    options: { contract?: string };
  };
  /** The verdicts on the witness: upstream's schema and ours. */
  verdicts: { upstream: 'valid' | 'invalid'; ours: 'valid' | 'invalid' };
  /**
   * For a difference in what is reported rather than in the verdict: an error upstream's Ajv
   * reports on the witness (instance path and missing property) that `validate` does not.
   */
  upstreamReports?: { instancePath: string; missingProperty: string };
}

const lattice = (...bestPaths: (boolean | undefined)[]) =>
  bestPaths.map((bestPath, index) => ({
    word: `word${index}`,
    confidence: 0.5,
    utteranceLength: 1,
    ...(bestPath === undefined ? {} : { bestPath }),
  }));

export const KNOWN_DIFFERENCES_V2: readonly KnownDifferenceV2[] = [
  {
    id: 'best-path-exactly-one',
    summary:
      'A lattice (2 or more `words`) needs exactly one entry with `bestPath: true`; upstream accepts any number, even none (as long as one entry lacks `bestPath: false`).',
    reason:
      'master.json states the rule with `contains` + `minContains: 1` + `maxContains: 1`, but draft-07 has no minContains/maxContains and its `contains` subschema does not require `bestPath`, so the rule does not hold. The words description ("bestPath is required ... the best translation is the one created by discarding everything not on the best path") needs exactly one, as v1 does.',
    decision: 'intent',
    witness: {
      document: { series: [{ startTimeMs: 0, stopTimeMs: 300, words: lattice(true, true) }] },
      options: {},
    },
    verdicts: { upstream: 'valid', ours: 'invalid' },
  },
  {
    id: 'speaker-verification-contract-unreachable',
    summary:
      'Objects of type `speaker-verification` have no object contract (every object property allowed), in upstream and here; `speakerVerification` is not a type.',
    reason:
      'contracts.json keys objectSpeakerVerification on `type: "speakerVerification"`, which the type enum does not allow (it spells `speaker-verification`), so that contract never applies. Its stated intent is "no specific contract requirements", which is what `speaker-verification` objects get anyway; accepting the camelCase spelling would accept objects aiWARE does not know, so the enum stands.',
    decision: 'as-written',
    witness: {
      document: {
        object: [
          {
            type: 'speaker-verification',
            mode: 'verify',
            confidence: 0.9,
            transcription: { confidence: 0.8 },
          },
        ],
      },
      options: {},
    },
    verdicts: { upstream: 'valid', ours: 'valid' },
  },
  {
    id: 'object-contract-without-type',
    summary:
      'An object without `type` fails on `type` alone; upstream also applies every object contract to it and reports their requirements (`boundingPoly`, `licensePlate`, `label`, ...).',
    reason:
      'Each object contract is `if: {properties: {type: {const: X}}}`, which holds when `type` is missing. The verdict is the same (master.json requires `type`), but the errors point the engine author at the wrong fix.',
    decision: 'intent',
    witness: { document: { object: [{ label: 'car' }] }, options: {} },
    verdicts: { upstream: 'invalid', ours: 'invalid' },
    upstreamReports: { instancePath: '/object/0', missingProperty: 'boundingPoly' },
  },
  {
    id: 'metadata-key-prefix',
    summary:
      'Only root keys that start with `$` must be strings; upstream applies the rule to every key that contains a `$` (`price$usd: 3` fails).',
    reason:
      'The IDENTITY definition says such keys "must start with a \'$\' character", but its patternProperties regex `\\$.*` is unanchored. Other root keys are allowed (the root is open), so `price$usd` is an ordinary key.',
    decision: 'intent',
    witness: { document: { price$usd: 3 }, options: {} },
    verdicts: { upstream: 'invalid', ours: 'valid' },
  },
  {
    id: 'either-or-every-array',
    summary:
      'For the anomaly, object, text and structured-data contracts, every `object`/`series` array present must meet the contract and one must be present; upstream is satisfied by one conforming array (an empty one will do) whatever the other holds.',
    reason:
      "The contracts say \"all objects must be of type 'object'\" (and so on), but are written as an `anyOf` of the two arrays, so `object: []` next to a series of faces passes. Empty arrays alone stay valid (upstream's examples `cc-object_object-empty.json`, `cc-object_series-empty.json`); v1's contracts read the same way.",
    decision: 'intent',
    witness: {
      document: {
        validationContracts: ['object'],
        object: [],
        series: [
          { startTimeMs: 0, stopTimeMs: 100, object: { type: 'face', boundingPoly: [{ x: 0.5, y: 0.5 }] } },
        ],
      },
      options: {},
    },
    verdicts: { upstream: 'valid', ours: 'invalid' },
  },
  {
    id: 'emotion-not-object',
    summary: 'Each `emotions` entry must be an object, as in v1.',
    reason:
      'master.json `emotions.items` lists properties and `required: ["emotion"]` but no `type: "object"`, so upstream accepts numbers or strings as emotions.',
    decision: 'intent',
    witness: { document: { emotions: ['happy'] }, options: {} },
    verdicts: { upstream: 'valid', ours: 'invalid' },
  },
  {
    id: 'unsafe-integer',
    summary:
      'Integers (times, indexes, utteranceLength, collateIndex) must be safe integers (at most 2^53 - 1), as in v1.',
    reason:
      'Larger integers lose precision in JavaScript and most JSON parsers, so a time of 1e20 ms cannot be trusted; zod 4 integers and the exported JSON Schema share this bound.',
    decision: 'intent',
    witness: { document: { series: [{ startTimeMs: 0, stopTimeMs: 1e20 }] }, options: {} },
    verdicts: { upstream: 'valid', ours: 'invalid' },
  },
  {
    id: 'date-time-as-v1',
    summary:
      '`generatedDateUTC` is checked by the same pattern as in v1 (the shape of an ISO 8601 date-time); upstream under Ajv 8 with ajv-formats also checks the calendar (`2017-02-30` fails).',
    reason:
      "master.json only says `format: date-time`, whose checking JSON Schema leaves to the validator (Ajv 8 without ajv-formats ignores it). Keeping v1's check keeps one rule for both versions and a pattern that non-JavaScript validators apply the same way.",
    decision: 'as-written',
    witness: { document: { generatedDateUTC: '2017-02-30T10:00:00Z' }, options: {} },
    verdicts: { upstream: 'invalid', ours: 'valid' },
  },
];
