import * as z from 'zod';
import type { DocsOnlyContract } from '../common/contract-names.ts';
import { ObjectResultSchema } from '../common/object-result.ts';
import {
  declaresContract,
  fileDataShape,
  preambleShape,
  requireOneOf,
  requireOneOfJsonSchema,
} from '../common/preamble.ts';
import { SeriesItemSchema } from '../common/series.ts';
import { objectDetectionContract } from './object.ts';

/*
 * Rules for contract names that the engine-category docs use but the reference ships no schema
 * for. Each rule is the reference contract closest in shape, narrowed to what the docs show for
 * that category; README "Contracts without a reference schema" explains each choice.
 */

/** Face detection/recognition: object-contract output whose objects have type "face". */
export const FaceContractSchema = objectDetectionContract('face', 'face');
/** Logo detection: object-contract output whose objects have type "logo". */
export const LogoContractSchema = objectDetectionContract('logo', 'logo');
/** License plate recognition: object-contract output whose objects have type "licensePlate". */
export const LicensePlateContractSchema = objectDetectionContract('license-plate', 'licensePlate');
/** Audio fingerprinting: object-contract output whose objects have type "fingerprint". */
export const AudioFingerprintContractSchema = objectDetectionContract('audio-fingerprint', 'fingerprint');

const SPEAKER_OBJECT_TYPES = ['speaker', 'speaker-verification'] as const;
const isSpeakerObjectType = (type: unknown) => type === 'speaker' || type === 'speaker-verification';

/**
 * Speaker detection (a speakerId per slice), speaker recognition (an object of type "speaker")
 * or speaker verification (objects of type "speaker-verification", with or without a time
 * series): `object` and/or `series`, where every series item names its speaker and every
 * object is a speaker object.
 */
export const SpeakerContractSchema = z
  .looseObject({
    ...preambleShape,
    validationContracts: declaresContract('speaker'),
    object: z
      .array(
        ObjectResultSchema.refine((object) => isSpeakerObjectType(object.type), {
          params: { code: 'missing_speaker' },
          message: 'A speaker object has type "speaker" or "speaker-verification"',
        }).meta({ properties: { type: { enum: [...SPEAKER_OBJECT_TYPES] } } }),
      )
      .optional(),
    series: z
      .array(
        SeriesItemSchema.superRefine((item, ctx) => {
          if (item.speakerId !== undefined || isSpeakerObjectType(item.object?.type)) return;
          ctx.addIssue({
            code: 'custom',
            params: { code: 'missing_speaker' },
            message:
              'A speaker series item needs speakerId or an object of type "speaker" or "speaker-verification"',
          });
        }).meta({
          anyOf: [
            { required: ['speakerId'] },
            {
              required: ['object'],
              properties: { object: { properties: { type: { enum: [...SPEAKER_OBJECT_TYPES] } } } },
            },
          ],
        }),
      )
      .optional(),
  })
  .superRefine(requireOneOf(['object', 'series']))
  .meta(requireOneOfJsonSchema(['object', 'series']));

type WithGps = { gps?: unknown[] | undefined };

/** True when the document, an object, a series item or a series object carries a GPS coordinate. */
function carriesGps(
  document: WithGps & {
    object?: WithGps[] | undefined;
    series?: (WithGps & { object?: WithGps | undefined })[] | undefined;
  },
): boolean {
  const hasGps = (value: WithGps | undefined) => (value?.gps?.length ?? 0) > 0;
  return (
    hasGps(document) ||
    (document.object ?? []).some(hasGps) ||
    (document.series ?? []).some((item) => hasGps(item) || hasGps(item.object))
  );
}

/** JSON Schema for carriesGps: a non-empty `gps` on the document, an object, a series item or its object. */
function gpsCarriers() {
  const withGps = { type: 'object', required: ['gps'], properties: { gps: { minItems: 1 } } };
  return [
    withGps,
    { required: ['object'], properties: { object: { contains: withGps } } },
    { required: ['series'], properties: { series: { contains: withGps } } },
    {
      required: ['series'],
      properties: {
        series: { contains: { type: 'object', required: ['object'], properties: { object: withGps } } },
      },
    },
  ];
}

/**
 * Geolocation: at least one GPS coordinate, on the document, on an object result (where the
 * docs' geolocation example puts it), on a series item or on a series item's object.
 */
export const GeolocationContractSchema = z
  .looseObject({
    ...preambleShape,
    ...fileDataShape,
    validationContracts: declaresContract('geolocation'),
    object: z.array(ObjectResultSchema).optional(),
    series: z.array(SeriesItemSchema).optional(),
  })
  .superRefine((document, ctx) => {
    if (carriesGps(document)) return;
    ctx.addIssue({
      code: 'custom',
      params: { code: 'missing_gps' },
      message: 'A geolocation document needs a non-empty gps on the document, an object or a series item',
    });
  })
  .meta({ anyOf: gpsCarriers() });

type WithStructuredData = { structuredData?: Record<string, unknown> | undefined };

/** Every structured-data object of a document, from `object[]`, `series[]` and `series[].object`. */
function structuredDataOf(document: {
  object?: WithStructuredData[] | undefined;
  series?: (WithStructuredData & { object?: WithStructuredData | undefined })[] | undefined;
}): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const item of document.object ?? []) if (item.structuredData) found.push(item.structuredData);
  for (const item of document.series ?? []) {
    if (item.structuredData) found.push(item.structuredData);
    if (item.object?.structuredData) found.push(item.object.structuredData);
  }
  return found;
}

/** A document carrying structured data, as the structured-data rules need it. */
export const StructuredDataDocumentSchema = z.looseObject({
  ...preambleShape,
  validationContracts: z.array(z.string()).min(1),
  object: z.array(ObjectResultSchema).optional(),
  series: z.array(SeriesItemSchema).optional(),
});

/**
 * True when the document carries structured data for `schemaId` (any schema when undefined).
 * The structured-data object itself is not checked against its schema: that schema lives in the
 * platform and is not available offline.
 */
export function carriesStructuredData(
  document: z.infer<typeof StructuredDataDocumentSchema>,
  schemaId?: string,
) {
  const objects = structuredDataOf(document);
  return schemaId === undefined ? objects.length > 0 : objects.some((data) => Object.hasOwn(data, schemaId));
}

/** Structured data: a document declaring `structured-data` carries at least one structuredData object. */
export const StructuredDataContractSchema = z
  .looseObject({
    ...preambleShape,
    validationContracts: declaresContract('structured-data'),
    object: z.array(ObjectResultSchema).optional(),
    series: z.array(SeriesItemSchema).optional(),
  })
  .superRefine((document, ctx) => {
    if (carriesStructuredData(document)) return;
    ctx.addIssue({
      code: 'custom',
      params: { code: 'missing_structured_data' },
      message: 'The document declares structured-data but carries no structuredData object',
    });
  })
  .meta({ anyOf: structuredDataCarriers() });

/** JSON Schema for carriesStructuredData without a schema id: some object or series item has structuredData. */
function structuredDataCarriers() {
  const withData = { type: 'object', required: ['structuredData'] };
  return [
    { required: ['object'], properties: { object: { contains: withData } } },
    { required: ['series'], properties: { series: { contains: withData } } },
    {
      required: ['series'],
      properties: {
        series: { contains: { type: 'object', required: ['object'], properties: { object: withData } } },
      },
    },
  ];
}

export const DOCS_ONLY_CONTRACT_SCHEMAS = {
  face: FaceContractSchema,
  logo: LogoContractSchema,
  'license-plate': LicensePlateContractSchema,
  speaker: SpeakerContractSchema,
  'audio-fingerprint': AudioFingerprintContractSchema,
  geolocation: GeolocationContractSchema,
  'structured-data': StructuredDataContractSchema,
} satisfies Record<DocsOnlyContract, z.ZodType>;
