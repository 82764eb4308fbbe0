import { DATE_TIME_PATTERN, UUID_PATTERN } from '../../src/index.ts';

/**
 * Recognises, for a document on which upstream's v2 schema and `validate` disagree, which
 * entries of KNOWN_DIFFERENCES_V2 can explain it. An unexplained disagreement fails the fuzz test.
 */

type Node = unknown;
type Verdict = 'valid' | 'invalid';

function* walk(value: Node, key?: string): Generator<{ key: string | undefined; value: Node }> {
  yield { key, value };
  if (Array.isArray(value)) for (const item of value) yield* walk(item);
  else if (value !== null && typeof value === 'object') {
    for (const [childKey, child] of Object.entries(value)) yield* walk(child, childKey);
  }
}

const isPlainObject = (value: Node): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const EITHER_OR_CONTRACTS = new Set(['anomaly', 'object', 'text']);

const CLASSIFIERS: Record<string, (document: Node, upstream: Verdict) => boolean> = {
  'best-path-exactly-one': (document, upstream) =>
    upstream === 'valid' &&
    [...walk(document)].some(
      ({ key, value }) =>
        key === 'words' &&
        Array.isArray(value) &&
        value.length >= 2 &&
        value.filter((word) => isPlainObject(word) && word.bestPath === true).length !== 1,
    ),
  'metadata-key-prefix': (document, upstream) =>
    upstream === 'invalid' &&
    isPlainObject(document) &&
    Object.entries(document).some(
      ([key, value]) => /.\$/.test(key) && !key.startsWith('$') && typeof value !== 'string',
    ),
  'either-or-every-array': (document, upstream) => {
    if (upstream !== 'valid' || !isPlainObject(document)) return false;
    const declared = Array.isArray(document.validationContracts) ? document.validationContracts : [];
    const eitherOr = declared.some(
      (name) => typeof name === 'string' && (EITHER_OR_CONTRACTS.has(name) || UUID_PATTERN.test(name)),
    );
    return eitherOr && Array.isArray(document.object) && Array.isArray(document.series);
  },
  'emotion-not-object': (document, upstream) =>
    upstream === 'valid' &&
    [...walk(document)].some(
      ({ key, value }) =>
        key === 'emotions' && Array.isArray(value) && value.some((item) => !isPlainObject(item)),
    ),
  'unsafe-integer': (document, upstream) =>
    upstream === 'valid' &&
    [...walk(document)].some(
      ({ value }) => typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value),
    ),
  'date-time-as-v1': (document, upstream) =>
    upstream === 'invalid' &&
    isPlainObject(document) &&
    typeof document.generatedDateUTC === 'string' &&
    DATE_TIME_PATTERN.test(document.generatedDateUTC),
};

/** Entries whose verdict can differ: the ones with the same verdict on their witness are not classifiers. */
export const CLASSIFIED_DIFFERENCE_IDS_V2 = Object.keys(CLASSIFIERS);

export function explainDisagreementV2(document: Node, upstream: Verdict): string[] {
  return Object.entries(CLASSIFIERS)
    .filter(([, applies]) => applies(document, upstream))
    .map(([id]) => id);
}
