import { isDeclarableContract } from '../../src/common/contract-names.ts';
import type { ReferenceVerdict } from './reference.ts';

/**
 * Recognises, for a document on which the reference and `validate` disagree, which entry of
 * KNOWN_DIFFERENCES explains it. An unexplained disagreement fails the fuzz test.
 */

type Node = unknown;

function* walk(value: Node, key?: string): Generator<{ key: string | undefined; value: Node }> {
  yield { key, value };
  if (Array.isArray(value)) for (const item of value) yield* walk(item);
  else if (value !== null && typeof value === 'object') {
    for (const [childKey, child] of Object.entries(value)) yield* walk(child, childKey);
  }
}

const isPlainObject = (value: Node) => typeof value === 'object' && value !== null && !Array.isArray(value);

const CLASSIFIERS: Record<
  string,
  (document: Node, contract: string, reference: ReferenceVerdict) => boolean
> = {
  'words-not-array-no-crash': (_document, _contract, reference) => reference === 'crash',
  'validation-contracts-every-entry': (document) => {
    const declared = isPlainObject(document)
      ? (document as { validationContracts?: unknown }).validationContracts
      : undefined;
    return (
      Array.isArray(declared) &&
      declared.slice(1).some((name) => typeof name !== 'string' || !isDeclarableContract(name))
    );
  },
  'docs-only-contract-names': (document) => {
    const declared = isPlainObject(document)
      ? (document as { validationContracts?: unknown }).validationContracts
      : undefined;
    return (
      Array.isArray(declared) &&
      [
        'face',
        'logo',
        'license-plate',
        'speaker',
        'audio-fingerprint',
        'geolocation',
        'structured-data',
      ].includes(declared[0] as string)
    );
  },
  'best-path-everywhere': (document, contract) =>
    contract !== 'transcript' &&
    [...walk(document)].some(
      ({ key, value }) =>
        key === 'words' &&
        Array.isArray(value) &&
        value.length >= 2 &&
        value.filter((word) => isPlainObject(word) && (word as { bestPath?: unknown }).bestPath === true)
          .length !== 1,
    ),
  'emotion-not-object': (document) =>
    [...walk(document)].some(
      ({ key, value }) =>
        key === 'emotions' && Array.isArray(value) && value.some((item) => !isPlainObject(item)),
    ),
  'unsafe-integer': (document) =>
    [...walk(document)].some(
      ({ value }) => typeof value === 'number' && Math.abs(value) > Number.MAX_SAFE_INTEGER,
    ),
};

/** Ids of the known differences that explain a disagreement (empty: unexplained). */
export function explainDisagreement(document: Node, contract: string, reference: ReferenceVerdict): string[] {
  return Object.entries(CLASSIFIERS)
    .filter(([, applies]) => applies(document, contract, reference))
    .map(([id]) => id);
}

export const CLASSIFIED_DIFFERENCE_IDS = Object.keys(CLASSIFIERS);
