import * as z from 'zod';
import { seriesItemShape } from '../common/series.ts';
import { CommentSchema, ObjectResultV2Schema } from './object-result.ts';
import { WordsV2Schema } from './words.ts';

/** Every property a v2 series item may carry: v1's, plus `$comment` and `referenceId`. */
export const seriesItemV2Shape = {
  ...seriesItemShape,
  $comment: CommentSchema.optional(),
  words: WordsV2Schema.optional(),
  object: ObjectResultV2Schema.optional(),
  referenceId: z.string().optional(),
};

/** A time slice of audio or video media and what was found in it (no unknown properties). */
export const SeriesItemV2Schema = z.strictObject(seriesItemV2Shape).meta({ id: 'SeriesItemV2' });
export type SeriesItemV2 = z.infer<typeof SeriesItemV2Schema>;
