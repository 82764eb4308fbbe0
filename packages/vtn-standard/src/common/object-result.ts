import * as z from 'zod';
import {
  AgeSchema,
  ConfidenceFindingSchema,
  EmotionsSchema,
  FaceLandmarkSchema,
  GpsCoordinatesSchema,
  ObjectCategorySchema,
  SentimentSchema,
  StructuredDataSchema,
  TranscriptionSchema,
} from './annotations.ts';
import { BoundingPolySchema } from './geometry.ts';
import {
  CollateIndexSchema,
  ConfidenceSchema,
  DocumentIndexSchema,
  GuidSchema,
  LanguageSchema,
  VendorSchema,
} from './primitives.ts';

export const OBJECT_RESULT_TYPES = [
  'object',
  'face',
  'facial-features',
  'face-verification',
  'speaker-verification',
  'licensePlate',
  'logo',
  'fingerprint',
  'speaker',
  'sound',
  'concept',
  'keyword',
  'text',
  'namedEntity',
  'barcode',
  'anomaly',
] as const;
export const ObjectResultTypeSchema = z.enum(OBJECT_RESULT_TYPES);
export type ObjectResultType = z.infer<typeof ObjectResultTypeSchema>;

/** Every property an object result may carry; contracts narrow `type` and the required fields. */
export const objectResultShape = {
  type: ObjectResultTypeSchema,
  label: z.string().optional(),
  uri: z.string().optional(),
  confidence: ConfidenceSchema.optional(),
  text: z.string().optional(),
  language: LanguageSchema.optional(),
  collateIndex: CollateIndexSchema.optional(),
  page: DocumentIndexSchema.optional(),
  paragraph: DocumentIndexSchema.optional(),
  sentence: DocumentIndexSchema.optional(),
  transcription: TranscriptionSchema.optional(),
  lipVoiceCorrelation: ConfidenceFindingSchema.optional(),
  lipMovement: ConfidenceFindingSchema.optional(),
  faceLandmarks: z.array(FaceLandmarkSchema).optional(),
  sentiment: SentimentSchema.optional(),
  emotions: EmotionsSchema.optional(),
  age: AgeSchema.optional(),
  objectCategory: ObjectCategorySchema.optional(),
  boundingPoly: BoundingPolySchema.optional(),
  gps: GpsCoordinatesSchema.optional(),
  structuredData: StructuredDataSchema.optional(),
  vendor: VendorSchema.optional(),
  libraryId: GuidSchema.optional(),
  entityId: GuidSchema.optional(),
  mode: z.enum(['enroll', 'verify']).optional(),
  region: z.enum(['left', 'right', 'top', 'bottom']).optional(),
  entityIdentifierId: z.string().optional(),
};

/** A visual or textual object found in the media (no unknown properties allowed). */
export const ObjectResultSchema = z.strictObject(objectResultShape).meta({ id: 'ObjectResult' });
export type ObjectResult = z.infer<typeof ObjectResultSchema>;

/** Object results inside a time series carry no page/paragraph/sentence (`noDocumentIndexing`). */
export function withoutDocumentIndexing<
  Shape extends { page: unknown; paragraph: unknown; sentence: unknown },
>(shape: Shape): Omit<Shape, 'page' | 'paragraph' | 'sentence'> {
  const { page: _page, paragraph: _paragraph, sentence: _sentence, ...rest } = shape;
  return rest;
}
