import * as z from 'zod';
import { requireOneOf, requireOneOfJsonSchema } from '../common/preamble.ts';
import type { CapabilityContractV2, ObjectResultTypeV2 } from './names.ts';

/*
 * What each v2 capability contract adds to the master rules (`contracts.json#/definitions/
 * capability*`). These schemas check only the addition (presence, object types): the master
 * rules (VtnV2DocumentSchema) check every value's shape, and validate() runs both.
 *
 * Where a contract allows `object` or `series`, upstream's `anyOf` is met by one array alone,
 * even an empty one, whatever the other holds. We follow the stated rule instead ("all objects
 * must be of type ..."): at least one of the two is present, and every one present meets its
 * branch (KNOWN_DIFFERENCES_V2 `either-or-every-array`).
 */

const typed = (types: readonly [ObjectResultTypeV2, ...ObjectResultTypeV2[]]) =>
  types.length === 1 ? z.literal(types[0]) : z.enum(types);

/** Objects of the given types in `object` and/or in every series item's `object`. */
function objectsOfType(
  types: readonly [ObjectResultTypeV2, ...ObjectResultTypeV2[]],
  extra: Record<string, z.ZodType> = {},
) {
  const object = z.looseObject({ type: typed(types), ...extra });
  return z
    .looseObject({
      object: z.array(object).optional(),
      series: z.array(z.looseObject({ object })).optional(),
    })
    .superRefine(requireOneOf(['object', 'series']))
    .meta(requireOneOfJsonSchema(['object', 'series']));
}

/** An `object` array whose every object has the given type. */
function objectArrayOfType(type: ObjectResultTypeV2, extra: Record<string, z.ZodType> = {}) {
  return z.looseObject({ object: z.array(z.looseObject({ type: z.literal(type), ...extra })) });
}

type SentimentCarrier = { sentiment?: unknown; emotions?: unknown };
const carriesSentiment = (value: SentimentCarrier) =>
  value.sentiment !== undefined || value.emotions !== undefined;

const SentimentCapabilitySchema = z
  .looseObject({ object: z.array(z.looseObject({})).optional() })
  .superRefine((document: SentimentCarrier & { object?: SentimentCarrier[] | undefined }, ctx) => {
    if (carriesSentiment(document)) return;
    if (document.object?.every(carriesSentiment)) return;
    ctx.addIssue({
      code: 'custom',
      params: { code: 'missing_sentiment' },
      message: 'The document needs sentiment or emotions, or objects that each carry sentiment or emotions',
    });
  })
  .meta({
    anyOf: [
      { required: ['sentiment'] },
      { required: ['emotions'] },
      {
        required: ['object'],
        properties: {
          object: { items: { anyOf: [{ required: ['sentiment'] }, { required: ['emotions'] }] } },
        },
      },
    ],
  });

const NonEmptyStructuredDataSchema = z
  .record(z.string(), z.unknown())
  .refine((data) => Object.keys(data).length > 0, {
    params: { code: 'missing_structured_data' },
    message: 'structuredData must hold at least one structured-data object',
  })
  .meta({ minProperties: 1 });

/**
 * A declared structured-data schema UUID: every object (or every series item) carries a
 * non-empty `structuredData`. Upstream cannot check that it is keyed by the declared UUID (its
 * example `cc-schemaid_unvalidatable.json` passes), and neither do we in v2.
 */
export const StructuredDataCapabilityV2Schema = z
  .looseObject({
    object: z.array(z.looseObject({ structuredData: NonEmptyStructuredDataSchema })).optional(),
    series: z.array(z.looseObject({ structuredData: NonEmptyStructuredDataSchema })).optional(),
  })
  .superRefine(requireOneOf(['object', 'series']))
  .meta(requireOneOfJsonSchema(['object', 'series']));

/** What each capability adds to the master rules. */
export const CAPABILITY_RULES_V2 = {
  anomaly: objectsOfType(['anomaly']),
  concept: objectArrayOfType('concept'),
  entity: objectArrayOfType('namedEntity'),
  keyword: objectArrayOfType('keyword', { label: z.string() }),
  language: z.looseObject({ language: z.string() }),
  'media-translated': z.looseObject({ media: z.array(z.looseObject({ language: z.string() })) }),
  object: objectsOfType(['object']),
  sentiment: SentimentCapabilitySchema,
  summary: z.looseObject({ summary: z.string() }),
  // `ocr` is a specialisation of `text` (CHANGELOG 2.0).
  text: objectsOfType(['text', 'ocr'], { text: z.string() }),
  transcript: z.looseObject({ series: z.array(z.looseObject({ words: z.array(z.unknown()) })) }),
} satisfies Record<CapabilityContractV2, z.ZodType>;

/** The document-level rule behind `contract: '<object type>'`: every object is of that type. */
export function objectContractRuleV2(type: ObjectResultTypeV2) {
  return objectsOfType([type]);
}
