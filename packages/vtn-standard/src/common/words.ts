import * as z from 'zod';
import { jsonEqual } from './deep-equal.ts';
import { ConfidenceSchema } from './primitives.ts';

/** Number of consecutive time slices an utterance spans. */
export const UtteranceLengthSchema = z.int().min(1);

/** One spoken word (or alternate) in a time slice. */
export const WordSchema = z
  .strictObject({
    word: z.string(),
    confidence: ConfidenceSchema.optional(),
    utteranceLength: UtteranceLengthSchema.optional(),
    bestPath: z.boolean().optional(),
  })
  .meta({ id: 'Word' });
export type Word = z.infer<typeof WordSchema>;

/**
 * The lattice rule of `master.json#/definitions/words`: with two or more entries, every entry
 * carries confidence and utteranceLength, entries are unique, and exactly one is on the best path.
 */
function checkLattice(words: Word[], ctx: z.RefinementCtx): void {
  if (words.length < 2) return;
  words.forEach((word, index) => {
    for (const field of ['confidence', 'utteranceLength'] as const) {
      if (word[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          params: { code: 'lattice_field_missing' },
          path: [index, field],
          message: `Every entry of a lattice (2 or more words) needs ${field}`,
        });
      }
    }
  });
  const duplicate = words.findIndex(
    (word, index) => words.findIndex((other) => jsonEqual(word, other)) !== index,
  );
  if (duplicate !== -1) {
    ctx.addIssue({
      code: 'custom',
      params: { code: 'duplicate_word' },
      path: [duplicate],
      message: 'Lattice entries must be unique',
    });
  }
  const bestPaths = words.filter((word) => word.bestPath === true).length;
  if (bestPaths !== 1) {
    ctx.addIssue({
      code: 'custom',
      params: { code: 'best_path' },
      message: `A lattice needs exactly one entry with bestPath: true, found ${bestPaths}`,
    });
  }
}

/** The JSON Schema form of checkLattice, written into the generated schema (zod cannot emit it). */
const latticeJsonSchema = {
  if: { type: 'array', minItems: 2 },
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
  then: {
    items: { required: ['confidence', 'utteranceLength'] },
    uniqueItems: true,
    contains: { type: 'object', properties: { bestPath: { const: true } }, required: ['bestPath'] },
    minContains: 1,
    maxContains: 1,
  },
};

/** Words possibly spoken in a time slice: alternates or a lattice. */
export const WordsSchema = z
  .array(WordSchema)
  .min(1)
  .superRefine(checkLattice)
  .meta({ id: 'Words', ...latticeJsonSchema });
