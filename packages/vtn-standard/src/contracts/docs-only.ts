import * as z from 'zod';
import type { DocsOnlyContract } from '../common/contract-names.ts';
import { GpsCoordinatesSchema } from '../common/annotations.ts';
import { ObjectResultSchema } from '../common/object-result.ts';
import { declaresContract, preambleShape } from '../common/preamble.ts';
import { SeriesItemSchema, seriesItemShape } from '../common/series.ts';
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

/** Speaker detection (a speakerId per slice) or speaker recognition (an object of type "speaker"). */
export const SpeakerContractSchema = z.looseObject({
  ...preambleShape,
  validationContracts: declaresContract('speaker'),
  series: z.array(
    SeriesItemSchema.superRefine((item, ctx) => {
      if (item.speakerId !== undefined || item.object?.type === 'speaker') return;
      ctx.addIssue({
        code: 'custom',
        params: { code: 'missing_speaker' },
        message: 'A speaker series item needs speakerId or an object of type "speaker"',
      });
    }).meta({
      anyOf: [
        { required: ['speakerId'] },
        { required: ['object'], properties: { object: { properties: { type: { const: 'speaker' } } } } },
      ],
    }),
  ),
});

/** Geolocation: a series whose every item carries at least one GPS coordinate. */
export const GeolocationContractSchema = z.looseObject({
  ...preambleShape,
  validationContracts: declaresContract('geolocation'),
  series: z.array(z.strictObject({ ...seriesItemShape, gps: GpsCoordinatesSchema.min(1) })),
});

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
