/**
 * Every deliberate difference between `validate` and the reference validators of
 * `veritone-json-schemas@1.2.0`. Each one has a witness document on which the two really
 * disagree; test/known-differences.test.ts runs both on it, so a difference that disappears
 * (or a new one that is not listed) fails the tests. README "Known differences" is rendered from
 * this list.
 */

export interface KnownDifference {
  id: string;
  /** What we do differently. */
  summary: string;
  /** Why: the documented intent we follow instead of the reference's behaviour. */
  reason: string;
  witness: {
    document: unknown;
    /** The reference validator (`VALIDATORS[name]`) to run on the witness. */
    referenceContract: string;
    /** The options to pass to `validate` (no contract: master rules plus declared contracts). */
    options: { contract?: string };
  };
  /** The verdicts on the witness: the reference's (`crash` = it throws) and ours. */
  verdicts: { reference: 'valid' | 'invalid' | 'crash'; ours: 'valid' | 'invalid' };
}

const word = (text: string, extra: object = {}) => ({
  word: text,
  confidence: 0.5,
  utteranceLength: 1,
  ...extra,
});

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'validation-contracts-every-entry',
    summary:
      'Every `validationContracts` entry must be a known contract name or a structured-data schema UUID.',
    reason:
      'master.json writes the item rule in tuple form (`items: [ ... ]`), so the reference only checks the first entry; the description says every entry names a contract.',
    witness: {
      document: {
        validationContracts: ['transcript', 'transcripts'],
        series: [{ startTimeMs: 0, stopTimeMs: 300, words: [{ word: 'is' }] }],
      },
      referenceContract: 'transcript',
      options: { contract: 'transcript' },
    },
    verdicts: { reference: 'valid', ours: 'invalid' },
  },
  {
    id: 'docs-only-contract-names',
    summary:
      'The engine-category names face, logo, license-plate, speaker, audio-fingerprint, geolocation and structured-data are accepted in `validationContracts` and checked by documented rules.',
    reason:
      "The engine-category docs declare these names (the reference's own documentation-sample declares `face`), but the reference enum omits them and rejects a document that lists one first.",
    witness: {
      document: {
        validationContracts: ['face'],
        series: [
          {
            startTimeMs: 0,
            stopTimeMs: 1000,
            object: { type: 'face', confidence: 0.9, boundingPoly: [{ x: 0.1, y: 0.1 }] },
          },
        ],
      },
      referenceContract: 'aion',
      options: {},
    },
    verdicts: { reference: 'invalid', ours: 'valid' },
  },
  {
    id: 'best-path-everywhere',
    summary:
      'The single-best-path lattice rule (`requireBestPath`) applies wherever `words` appears, in every contract.',
    reason:
      'master.json puts `requireBestPath` in the shared `words` definition, but the reference registers the keyword only for the transcript validator; the others silently ignore it.',
    witness: {
      document: {
        series: [{ startTimeMs: 0, stopTimeMs: 300, words: [word('their'), word('there')] }],
      },
      referenceContract: 'aion',
      options: { contract: 'aion' },
    },
    verdicts: { reference: 'valid', ours: 'invalid' },
  },
  {
    id: 'words-not-array-no-crash',
    summary: 'A non-array `words` (or a lattice with non-object entries) is reported as an issue.',
    reason:
      "The reference's `requireBestPath` calls `data.filter(...)` unguarded and throws a TypeError instead of answering.",
    witness: {
      document: {
        validationContracts: ['transcript'],
        series: [{ startTimeMs: 0, stopTimeMs: 300, words: 'is' }],
      },
      referenceContract: 'transcript',
      options: { contract: 'transcript' },
    },
    verdicts: { reference: 'crash', ours: 'invalid' },
  },
  {
    id: 'emotion-not-object',
    summary: 'Each `emotions` entry must be an object.',
    reason:
      'master.json `emotions.items` lists properties and `required: ["emotion"]` but forgets `type: "object"`, so the reference accepts numbers or strings as emotions.',
    witness: {
      document: { emotions: ['happy'] },
      referenceContract: 'aion',
      options: { contract: 'aion' },
    },
    verdicts: { reference: 'valid', ours: 'invalid' },
  },
  {
    id: 'unsafe-integer',
    summary: 'Integers (times, indexes, utteranceLength) must be safe integers (at most 2^53 - 1).',
    reason:
      'Larger integers lose precision in JavaScript and most JSON parsers, so a time of 1e20 ms cannot be trusted; zod 4 integers and the exported JSON Schema share this bound.',
    witness: {
      document: { series: [{ startTimeMs: 0, stopTimeMs: 1e20 }] },
      referenceContract: 'aion',
      options: { contract: 'aion' },
    },
    verdicts: { reference: 'valid', ours: 'invalid' },
  },
];
