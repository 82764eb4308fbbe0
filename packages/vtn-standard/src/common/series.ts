import * as z from 'zod';
import {
  EmotionsSchema,
  GpsCoordinatesSchema,
  MediaSchema,
  SentimentSchema,
  StructuredDataSchema,
} from './annotations.ts';
import { ObjectResultSchema } from './object-result.ts';
import { GuidSchema, LanguageSchema, TagsSchema, VendorSchema } from './primitives.ts';
import { WordsSchema } from './words.ts';

const TimeMsSchema = z.int().min(0);

/** Every property a series item may carry; contracts narrow `object`, `words` and the required fields. */
export const seriesItemShape = {
  startTimeMs: TimeMsSchema,
  stopTimeMs: TimeMsSchema,
  tags: TagsSchema.optional(),
  summary: z.string().optional(),
  speakerId: z.string().optional(),
  words: WordsSchema.optional(),
  language: LanguageSchema.optional(),
  sentiment: SentimentSchema.optional(),
  emotions: EmotionsSchema.optional(),
  object: ObjectResultSchema.optional(),
  gps: GpsCoordinatesSchema.optional(),
  structuredData: StructuredDataSchema.optional(),
  vendor: VendorSchema.optional(),
  media: MediaSchema.optional(),
  libraryId: GuidSchema.optional(),
  entityId: GuidSchema.optional(),
};

/** A time slice of audio or video media and what was found in it. */
export const SeriesItemSchema = z.strictObject(seriesItemShape).meta({ id: 'SeriesItem' });
export type SeriesItem = z.infer<typeof SeriesItemSchema>;
