import * as z from 'zod';
import { ConfidenceSchema } from '../common/primitives.ts';
import { UtteranceLengthSchema } from '../common/words.ts';
import { jsonEqual } from '../common/deep-equal.ts';

/** One spoken word in v2: v1's word plus `partial` (a real-time word that may still change). */
export const WordV2Schema = z
  .strictObject({
    word: z.string(),
    confidence: ConfidenceSchema.optional(),
    utteranceLength: UtteranceLengthSchema.optional(),
    bestPath: z.boolean().optional(),
    partial: z.boolean().optional(),
  })
  .meta({ id: 'WordV2' });
export type WordV2 = z.infer<typeof WordV2Schema>;

/**
 * v2 words: entries are unique whatever their number (v2 moved `uniqueItems` out of the lattice
 * branch); a lattice (2+ entries) needs confidence and utteranceLength on every entry and exactly
 * one entry with `bestPath: true` (KNOWN_DIFFERENCES_V2 `best-path-exactly-one`).
 */
function checkWords(words: WordV2[], ctx: z.RefinementCtx): void {
  const duplicate = words.findIndex(
    (word, index) => words.findIndex((other) => jsonEqual(word, other)) !== index,
  );
  if (duplicate !== -1) {
    ctx.addIssue({
      code: 'custom',
      params: { code: 'duplicate_word' },
      path: [duplicate],
      message: 'Words entries must be unique',
    });
  }
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
  const bestPaths = words.filter((word) => word.bestPath === true).length;
  if (bestPaths !== 1) {
    ctx.addIssue({
      code: 'custom',
      params: { code: 'best_path' },
      message: `A lattice needs exactly one entry with bestPath: true, found ${bestPaths}`,
    });
  }
}

/** checkWords in JSON Schema (draft 2020-12 honours minContains/maxContains, draft-07 does not). */
const wordsJsonSchema = {
  uniqueItems: true,
  if: { type: 'array', minItems: 2 },
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a thenable.
  then: {
    items: { required: ['confidence', 'utteranceLength'] },
    contains: { type: 'object', properties: { bestPath: { const: true } }, required: ['bestPath'] },
    minContains: 1,
    maxContains: 1,
  },
};

export const WordsV2Schema = z
  .array(WordV2Schema)
  .min(1)
  .superRefine(checkWords)
  .meta({ id: 'WordsV2', ...wordsJsonSchema });
