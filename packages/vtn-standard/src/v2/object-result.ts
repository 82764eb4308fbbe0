import * as z from 'zod';
import { ObjectCategorySchema } from '../common/annotations.ts';
import { objectResultShape } from '../common/object-result.ts';
import { ConfidenceSchema, TagsSchema } from '../common/primitives.ts';
import { OBJECT_RESULT_TYPES_V2, type ObjectResultTypeV2 } from './names.ts';

/** `$comment`: for people, ignored by processors (v2 allows it on documents, objects and series items). */
export const CommentSchema = z.string().meta({ id: 'Comment' });

/** A license plate: its number (no punctuation) and who issued it. */
export const LicensePlateSchema = z
  .strictObject({
    number: z.string(),
    confidence: ConfidenceSchema.optional(),
    issuer: z.string().optional(),
    issuerConfidence: ConfidenceSchema.optional(),
  })
  .meta({ id: 'LicensePlate' });
export type LicensePlate = z.infer<typeof LicensePlateSchema>;

/** A licensed motor vehicle; at least one property. */
export const MotorVehicleSchema = z
  .strictObject({
    make: z.string().optional(),
    model: z.string().optional(),
    makeModelConfidence: ConfidenceSchema.optional(),
    bodyStyle: z.string().optional(),
    bodyStyleConfidence: ConfidenceSchema.optional(),
    color: z.string().optional(),
    colorConfidence: ConfidenceSchema.optional(),
    orientation: z.string().optional(),
    orientationConfidence: ConfidenceSchema.optional(),
    licensePlate: LicensePlateSchema.optional(),
  })
  .refine((vehicle) => Object.keys(vehicle).length > 0, {
    params: { code: 'empty_motor_vehicle' },
    message: 'A motorVehicle needs at least one property',
  })
  .meta({ id: 'MotorVehicle', minProperties: 1 });
export type MotorVehicle = z.infer<typeof MotorVehicleSchema>;

/** A non-empty vector of numbers (fingerprints, embeddings). */
export const VectorSchema = z.array(z.number()).min(1).meta({ id: 'Vector' });

/** v2 objectCategory: as v1, but an empty list is allowed (v2 dropped `minItems`). */
export const ObjectCategoryV2Schema = z.array(ObjectCategorySchema.element).meta({ id: 'ObjectCategoryV2' });

/** Every property a v2 object result may carry; each type's contract narrows it. */
export const objectResultV2Shape = {
  ...objectResultShape,
  $comment: CommentSchema.optional(),
  type: z.enum(OBJECT_RESULT_TYPES_V2),
  objectCategory: ObjectCategoryV2Schema.optional(),
  licensePlate: LicensePlateSchema.optional(),
  motorVehicle: MotorVehicleSchema.optional(),
  referenceId: z.string().optional(),
  fingerprintVector: VectorSchema.optional(),
  tags: TagsSchema.optional(),
};
type Shape = typeof objectResultV2Shape;
type Key = Exclude<keyof Shape, 'type'>;

/** Every property but `type`, optional. */
const everyProperty = Object.fromEntries(
  Object.entries(objectResultV2Shape).filter(([key]) => key !== 'type'),
) as Omit<Shape, 'type'>;

/**
 * An object contract that allows only the listed properties (`$comment` always) and requires
 * `required`, as `contracts.json#/definitions/object<Type>` writes it.
 */
function closedContract<
  Type extends ObjectResultTypeV2,
  Allowed extends Key,
  Required extends Allowed = never,
>(type: Type, allowed: readonly Allowed[], required: readonly Required[] = []) {
  const shape: Record<string, z.ZodType> = { type: z.literal(type) };
  for (const key of ['$comment', ...allowed] as Key[]) {
    const schema = everyProperty[key] as z.ZodOptional<z.ZodType>;
    shape[key] = (required as readonly string[]).includes(key) ? schema.unwrap() : schema;
  }
  return z.strictObject(
    shape as unknown as { type: z.ZodLiteral<Type>; $comment: Shape['$comment'] } & Pick<
      Shape,
      Exclude<Allowed, Required>
    > & { [K in Required]: Unwrapped<Shape[K]> },
  );
}
type Unwrapped<Schema> = Schema extends z.ZodOptional<infer Inner> ? Inner : never;

/** An object type whose contract has no requirements: every object-result property is allowed. */
function openContract<Type extends ObjectResultTypeV2>(type: Type) {
  return z.strictObject({ type: z.literal(type), ...everyProperty });
}

const FACE_PROPERTIES = [
  'boundingPoly',
  'label',
  'confidence',
  'libraryId',
  'entityId',
  'uri',
  'emotions',
  'age',
  'faceLandmarks',
  'lipVoiceCorrelation',
  'lipMovement',
  'vendor',
] as const;

/** Concept: `text` or `objectCategory`; any other property allowed (its contract is not closed). */
const ConceptObjectV2Schema = z
  .strictObject({ type: z.literal('concept'), ...everyProperty })
  .superRefine((object, ctx) => {
    if (object.text !== undefined || object.objectCategory !== undefined) return;
    ctx.addIssue({
      code: 'custom',
      params: { code: 'missing_concept' },
      message: 'A concept object needs text or objectCategory',
    });
  })
  .meta({ anyOf: [{ required: ['text'] }, { required: ['objectCategory'] }] });

const TRACKED_FINGERPRINT_REQUIRED = ['fingerprintVector', 'referenceId', 'label', 'tags'] as const;
const TRACKED_FINGERPRINT_ONLY = [
  'fingerprintVector',
  'referenceId',
  'tags',
  'confidence',
  'uri',
  'boundingPoly',
] as const;

/**
 * Fingerprint: a tracked-object fingerprint (fingerprintVector, referenceId, label, tags; maybe
 * confidence, uri, boundingPoly) or a watermark (label and text). One closed object with a
 * refinement rather than a union, so that it can sit in the discriminated union on `type`.
 */
const FingerprintObjectV2Schema = closedContract(
  'fingerprint',
  [...TRACKED_FINGERPRINT_ONLY, 'label', 'text', 'vendor'],
  ['label'],
)
  .superRefine((object, ctx) => {
    const shape = object.text === undefined ? TRACKED_FINGERPRINT_REQUIRED : (['label', 'text'] as const);
    const missing = shape.filter((key) => object[key] === undefined);
    const forbidden =
      object.text === undefined ? [] : TRACKED_FINGERPRINT_ONLY.filter((key) => object[key] !== undefined);
    if (missing.length === 0 && forbidden.length === 0) return;
    ctx.addIssue({
      code: 'custom',
      params: { code: 'invalid_fingerprint' },
      message:
        object.text === undefined
          ? `A tracked-object fingerprint needs ${missing.join(', ')}`
          : `A watermark fingerprint (label and text) cannot have ${forbidden.join(', ')}`,
    });
  })
  .meta({
    oneOf: [
      { required: [...TRACKED_FINGERPRINT_REQUIRED], properties: { text: false } },
      {
        required: ['label', 'text'],
        properties: Object.fromEntries(TRACKED_FINGERPRINT_ONLY.map((key) => [key, false])),
      },
    ],
  });

/** The object contract of each v2 object type. */
export const OBJECT_CONTRACT_SCHEMAS_V2 = {
  anomaly: openContract('anomaly'),
  barcode: openContract('barcode'),
  concept: ConceptObjectV2Schema,
  face: closedContract('face', FACE_PROPERTIES, ['boundingPoly']),
  'face-verification': closedContract('face-verification', FACE_PROPERTIES),
  'facial-features': closedContract('facial-features', FACE_PROPERTIES),
  fingerprint: FingerprintObjectV2Schema,
  keyword: openContract('keyword'),
  licensePlate: closedContract(
    'licensePlate',
    ['licensePlate', 'label', 'boundingPoly', 'uri', 'vendor'],
    ['licensePlate'],
  ),
  logo: closedContract(
    'logo',
    ['boundingPoly', 'label', 'confidence', 'vendor', 'uri'],
    ['boundingPoly', 'label', 'confidence'],
  ),
  motorVehicle: closedContract(
    'motorVehicle',
    ['motorVehicle', 'label', 'boundingPoly', 'uri', 'vendor'],
    ['motorVehicle'],
  ),
  namedEntity: closedContract(
    'namedEntity',
    ['label', 'objectCategory', 'page', 'paragraph', 'sentence', 'libraryId', 'entityId', 'text', 'vendor'],
    ['label', 'objectCategory'],
  ),
  ocr: closedContract(
    'ocr',
    ['text', 'boundingPoly', 'label', 'language', 'confidence', 'vendor'],
    ['text', 'boundingPoly'],
  ),
  object: openContract('object'),
  sound: closedContract('sound', ['label', 'confidence', 'vendor'], ['label']),
  speaker: closedContract('speaker', ['label', 'confidence', 'libraryId', 'entityId', 'vendor'], ['label']),
  'speaker-verification': openContract('speaker-verification'),
  text: closedContract(
    'text',
    [
      'text',
      'label',
      'language',
      'confidence',
      'boundingPoly',
      'page',
      'paragraph',
      'sentence',
      'sentiment',
      'emotions',
      'vendor',
    ],
    ['text'],
  ),
} satisfies Record<ObjectResultTypeV2, z.ZodType>;

/**
 * A v2 object result: the object contract of its `type` (each type allows and requires its own
 * properties). An object without a `type`, or of an unknown type, fails on `type` alone
 * (KNOWN_DIFFERENCES_V2 `object-contract-without-type`). In JSON Schema it is a `oneOf` with
 * `type` first in every branch, plus OpenAPI's `discriminator` annotation, which Ajv (option
 * `discriminator`) uses to check only the branch of the object's type instead of all 18; other
 * validators ignore the keyword and reach the same verdict.
 */
export const ObjectResultV2Schema = z
  .discriminatedUnion('type', [
    OBJECT_CONTRACT_SCHEMAS_V2.anomaly,
    OBJECT_CONTRACT_SCHEMAS_V2.barcode,
    OBJECT_CONTRACT_SCHEMAS_V2.concept,
    OBJECT_CONTRACT_SCHEMAS_V2.face,
    OBJECT_CONTRACT_SCHEMAS_V2['face-verification'],
    OBJECT_CONTRACT_SCHEMAS_V2['facial-features'],
    OBJECT_CONTRACT_SCHEMAS_V2.fingerprint,
    OBJECT_CONTRACT_SCHEMAS_V2.keyword,
    OBJECT_CONTRACT_SCHEMAS_V2.licensePlate,
    OBJECT_CONTRACT_SCHEMAS_V2.logo,
    OBJECT_CONTRACT_SCHEMAS_V2.motorVehicle,
    OBJECT_CONTRACT_SCHEMAS_V2.namedEntity,
    OBJECT_CONTRACT_SCHEMAS_V2.ocr,
    OBJECT_CONTRACT_SCHEMAS_V2.object,
    OBJECT_CONTRACT_SCHEMAS_V2.sound,
    OBJECT_CONTRACT_SCHEMAS_V2.speaker,
    OBJECT_CONTRACT_SCHEMAS_V2['speaker-verification'],
    OBJECT_CONTRACT_SCHEMAS_V2.text,
  ])
  // Ajv's discriminator keyword applies to objects only, so the type check must be explicit.
  .meta({ id: 'ObjectResultV2', type: 'object', discriminator: { propertyName: 'type' } });
export type ObjectResultV2 = z.infer<typeof ObjectResultV2Schema>;
