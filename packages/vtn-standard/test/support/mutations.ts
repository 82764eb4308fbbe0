import fc from 'fast-check';

/**
 * Mutations of JSON documents for the differential fuzz test: deleted fields, wrong types,
 * out-of-range numbers, extra properties and bad enum values, applied at a chosen location.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Location = { parent: Json[] | { [key: string]: Json }; key: string | number };

function locations(value: Json, found: Location[] = []): Location[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      found.push({ parent: value, key: index });
      locations(item, found);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      found.push({ parent: value, key });
      locations(item, found);
    }
  }
  return found;
}

function containers(value: Json): { [key: string]: Json }[] {
  const found: { [key: string]: Json }[] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      found.push(node);
      Object.values(node).forEach(walk);
    }
  };
  walk(value);
  return found;
}

const WRONG_TYPES: Json[] = [null, true, 'text', 7, 0.5, [], {}, [{}], { x: 1 }];
const OUT_OF_RANGE: Json[] = [-1, 1.5, 2, -0.25, 361, 1e20, 0, 2.5];
const BAD_ENUMS: Json[] = ['bogus', 'Object', 'transcripts', 'face', 'speaker', ''];
const EXTRA_KEYS = ['extra', 'startTimeMs', 'page', 'bestPath', 'words', 'object'];

export type Mutation = {
  kind: 'delete' | 'wrong-type' | 'out-of-range' | 'extra' | 'bad-enum';
  at: number;
  pick: number;
};

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'wrong-type', 'out-of-range', 'extra', 'bad-enum'),
  at: fc.nat(),
  pick: fc.nat(),
});

// Values are cloned on use: a shared [] or {} inserted twice could later be inserted into itself.
const choose = <T>(list: readonly T[], index: number): T => structuredClone(list[index % list.length]!);

/** Applies one mutation in place; returns false when the document offers no place for it. */
export function applyMutation(document: Json, mutation: Mutation): boolean {
  if (mutation.kind === 'extra') {
    const targets = containers(document);
    if (targets.length === 0) return false;
    const target = targets[mutation.at % targets.length]!;
    target[choose(EXTRA_KEYS, mutation.pick)] = choose(WRONG_TYPES, mutation.pick);
    return true;
  }
  let targets = locations(document);
  if (mutation.kind === 'out-of-range')
    targets = targets.filter((l) => typeof (l.parent as never)[l.key] === 'number');
  if (mutation.kind === 'bad-enum')
    targets = targets.filter((l) => typeof (l.parent as never)[l.key] === 'string');
  if (targets.length === 0) return false;
  const { parent, key } = targets[mutation.at % targets.length]!;
  const set = (value: Json) => ((parent as Record<string | number, Json>)[key] = value);
  switch (mutation.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 'wrong-type':
      set(choose(WRONG_TYPES, mutation.pick));
      break;
    case 'out-of-range':
      set(choose(OUT_OF_RANGE, mutation.pick));
      break;
    case 'bad-enum':
      set(choose(BAD_ENUMS, mutation.pick));
      break;
  }
  return true;
}
