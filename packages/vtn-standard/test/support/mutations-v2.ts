import fc from 'fast-check';
import { CAPABILITY_CONTRACTS_V2, OBJECT_RESULT_TYPES_V2 } from '../../src/index.ts';
import { applyMutation, type Json, type Mutation, mutationArbitrary } from './mutations.ts';

/**
 * v1's mutations plus what v2 adds: `$comment` and `$`-keys, `partial` words, `bestPath`
 * flips, swapped contracts, objects changing type, and objects gaining fields of other types.
 */

export type MutationV2 =
  | Mutation
  | {
      kind:
        | 'comment'
        | 'dollar-key'
        | 'partial'
        | 'best-path'
        | 'swap-contract'
        | 'object-type'
        | 'object-field';
      at: number;
      pick: number;
    };

const V2_KINDS = [
  'comment',
  'dollar-key',
  'partial',
  'best-path',
  'swap-contract',
  'object-type',
  'object-field',
] as const;

export const mutationV2Arbitrary: fc.Arbitrary<MutationV2> = fc.oneof(
  mutationArbitrary,
  fc.record({ kind: fc.constantFrom(...V2_KINDS), at: fc.nat(), pick: fc.nat() }),
);

type JsonObject = { [key: string]: Json };
const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const choose = <T>(list: readonly T[], index: number): T => structuredClone(list[index % list.length]!);

const COMMENTS: Json[] = ['a note', '', 3, null, ['x']];
const DOLLAR_KEYS = ['$comment', '$example', '$id', '$schema', 'price$usd', '$$', 'a$'];
const FLAGS: Json[] = [true, false, 'yes', 1];
const CONTRACT_LISTS: Json[] = [
  ...CAPABILITY_CONTRACTS_V2.map((name) => [name]),
  ['00000000-0000-0000-0000-000000000000'],
  ['00000000-0000-0000-0000-00000000000A'],
  ['face'],
  ['text', 'ocr'],
  [],
  ['object', 'anomaly'],
];
const POLY = [
  { x: 0.1, y: 0.1 },
  { x: 0.9, y: 0.1 },
  { x: 0.9, y: 0.9 },
];
const OBJECT_FIELDS: [string, Json][] = [
  ['label', 'thing'],
  ['text', 'words'],
  ['confidence', 0.7],
  ['boundingPoly', POLY],
  ['licensePlate', { number: 'CNH320' }],
  ['motorVehicle', { make: 'Ford' }],
  ['motorVehicle', {}],
  ['objectCategory', [{ class: 'animal' }]],
  ['fingerprintVector', [0.1, 0.2]],
  ['referenceId', 'ref-1'],
  ['tags', [{ key: 'k' }]],
  ['page', 1],
  ['mode', 'verify'],
  ['age', { min: 1 }],
  ['$comment', 'seen'],
];

/** Every object result of a document: `object[]` items and series items' `object`. */
function objectsOf(document: Json): JsonObject[] {
  if (!isObject(document)) return [];
  const found: JsonObject[] = [];
  if (Array.isArray(document.object))
    for (const item of document.object) if (isObject(item)) found.push(item);
  if (Array.isArray(document.series))
    for (const item of document.series) if (isObject(item) && isObject(item.object)) found.push(item.object);
  return found;
}

function wordsOf(document: Json): JsonObject[] {
  if (!isObject(document) || !Array.isArray(document.series)) return [];
  return document.series.flatMap((item) =>
    isObject(item) && Array.isArray(item.words) ? item.words.filter(isObject) : [],
  );
}

function containersOf(document: Json): JsonObject[] {
  if (!isObject(document)) return [];
  const series = Array.isArray(document.series) ? document.series.filter(isObject) : [];
  return [document, ...objectsOf(document), ...series];
}

/** Applies one mutation in place; returns false when the document offers no place for it. */
export function applyMutationV2(document: Json, mutation: MutationV2): boolean {
  const pickFrom = <T>(list: T[]): T | undefined =>
    list.length === 0 ? undefined : list[mutation.at % list.length];
  switch (mutation.kind) {
    case 'comment': {
      const target = pickFrom(containersOf(document));
      if (target === undefined) return false;
      target.$comment = choose(COMMENTS, mutation.pick);
      return true;
    }
    case 'dollar-key': {
      if (!isObject(document)) return false;
      document[choose(DOLLAR_KEYS, mutation.at)] = choose(COMMENTS, mutation.pick);
      return true;
    }
    case 'partial':
    case 'best-path': {
      const word = pickFrom(wordsOf(document));
      if (word === undefined) return false;
      word[mutation.kind === 'partial' ? 'partial' : 'bestPath'] = choose(FLAGS, mutation.pick);
      return true;
    }
    case 'swap-contract': {
      if (!isObject(document)) return false;
      document.validationContracts = choose(CONTRACT_LISTS, mutation.pick);
      return true;
    }
    case 'object-type': {
      const object = pickFrom(objectsOf(document));
      if (object === undefined) return false;
      object.type = choose(OBJECT_RESULT_TYPES_V2, mutation.pick);
      return true;
    }
    case 'object-field': {
      const object = pickFrom(objectsOf(document));
      if (object === undefined) return false;
      const [key, value] = choose(OBJECT_FIELDS, mutation.pick);
      object[key] = value;
      return true;
    }
    default:
      return applyMutation(document, mutation);
  }
}
