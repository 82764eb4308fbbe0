import * as z from 'zod';
import { BoundingPolySchema } from './geometry.ts';
import { ConfidenceSchema } from './primitives.ts';
import { NO_TRAILING_NEWLINE, UUID_PATTERN } from './patterns.ts';

/**
 * Positive and/or negative sentiment. At least one value is required, and a confidence is only
 * meaningful next to its value.
 */
export const SentimentSchema = z
  .strictObject({
    positiveValue: z.number().min(0).max(1).optional(),
    positiveConfidence: ConfidenceSchema.optional(),
    negativeValue: z.number().min(0).max(1).optional(),
    negativeConfidence: ConfidenceSchema.optional(),
  })
  .superRefine((sentiment, ctx) => {
    if (sentiment.positiveValue === undefined && sentiment.negativeValue === undefined) {
      ctx.addIssue({
        code: 'custom',
        params: { code: 'missing_sentiment_value' },
        message: 'A sentiment needs positiveValue or negativeValue',
      });
    }
    for (const side of ['positive', 'negative'] as const) {
      if (sentiment[`${side}Confidence`] !== undefined && sentiment[`${side}Value`] === undefined) {
        ctx.addIssue({
          code: 'custom',
          params: { code: 'confidence_without_value' },
          path: [`${side}Confidence`],
          message: `${side}Confidence requires ${side}Value`,
        });
      }
    }
  })
  .meta({
    id: 'Sentiment',
    anyOf: [{ required: ['positiveValue'] }, { required: ['negativeValue'] }],
    dependentRequired: { positiveConfidence: ['positiveValue'], negativeConfidence: ['negativeValue'] },
  });
export type Sentiment = z.infer<typeof SentimentSchema>;

/** An emotion with optional strength and confidence. Items must be objects (KNOWN_DIFFERENCES `emotion-not-object`). */
export const EmotionSchema = z
  .looseObject({
    emotion: z.string(),
    emotionValue: z.number().min(0).max(1).optional(),
    emotionConfidence: ConfidenceSchema.optional(),
  })
  .meta({ id: 'Emotion' });
export type Emotion = z.infer<typeof EmotionSchema>;
export const EmotionsSchema = z.array(EmotionSchema);

/** Global position, direction and motion. */
export const GpsCoordinateSchema = z
  .strictObject({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(360),
    precision: z.number().optional(),
    direction: z.number().min(0).max(360).optional(),
    velocity: z.number().optional(),
    altitude: z.number().optional(),
  })
  .meta({ id: 'GpsCoordinate' });
export type GpsCoordinate = z.infer<typeof GpsCoordinateSchema>;
export const GpsCoordinatesSchema = z.array(GpsCoordinateSchema);

/** Age range in years. */
export const AgeSchema = z.looseObject({
  min: z.number().optional(),
  max: z.number().optional(),
  confidence: ConfidenceSchema.optional(),
});

/** A confidence-only finding (lip/voice correlation, lip movement). */
export const ConfidenceFindingSchema = z.looseObject({ confidence: ConfidenceSchema.optional() });

/** Location of a facial feature. */
export const FaceLandmarkSchema = z.looseObject({ type: z.string(), locationPoly: BoundingPolySchema });
export type FaceLandmark = z.infer<typeof FaceLandmarkSchema>;

/** Categories from an external taxonomy. */
export const ObjectCategorySchema = z
  .array(
    z.strictObject({
      class: z.string(),
      '@id': z.string().optional(),
      confidence: ConfidenceSchema.optional(),
    }),
  )
  .min(1)
  .meta({ id: 'ObjectCategory' });
export type ObjectCategory = z.infer<typeof ObjectCategorySchema>;

/** Speaker-verification helper: how well the audio matches a phrase. */
export const TranscriptionSchema = z.looseObject({
  text: z.string().optional(),
  confidence: ConfidenceSchema,
});

/** Structured data objects keyed by the UUID of their structured-data schema. */
export const StructuredDataSchema = z
  .record(z.string().regex(UUID_PATTERN).meta(NO_TRAILING_NEWLINE), z.unknown())
  .meta({ id: 'StructuredData' });
export type StructuredData = z.infer<typeof StructuredDataSchema>;

/** A file produced by the engine. */
export const MediaSchema = z
  .looseObject({
    assetId: z.string(),
    contentType: z.string().optional(),
    language: z.string().optional(),
  })
  .meta({ id: 'Media' });
export type Media = z.infer<typeof MediaSchema>;
export const MediasSchema = z.array(MediaSchema);
