import { UUID_PATTERN } from '../common/patterns.ts';

/** The capability contracts of VTN v2 (`contracts.json#/definitions/capability*`), by the name a document declares. */
export const CAPABILITY_CONTRACTS_V2 = [
  'anomaly',
  'concept',
  'entity',
  'keyword',
  'language',
  'media-translated',
  'object',
  'sentiment',
  'summary',
  'text',
  'transcript',
] as const;
export type CapabilityContractV2 = (typeof CAPABILITY_CONTRACTS_V2)[number];

/** The object types of VTN v2 (`master.json#/definitions/objectResultType`); each has an object contract. */
export const OBJECT_RESULT_TYPES_V2 = [
  'anomaly',
  'barcode',
  'concept',
  'face',
  'face-verification',
  'facial-features',
  'fingerprint',
  'keyword',
  'licensePlate',
  'logo',
  'motorVehicle',
  'namedEntity',
  'ocr',
  'object',
  'sound',
  'speaker',
  'speaker-verification',
  'text',
] as const;
export type ObjectResultTypeV2 = (typeof OBJECT_RESULT_TYPES_V2)[number];

/** Prefix that names an object contract where an object type is also a capability name (`object:text`). */
export const OBJECT_CONTRACT_PREFIX = 'object:';

const capabilities: ReadonlySet<string> = new Set(CAPABILITY_CONTRACTS_V2);
const objectTypes: ReadonlySet<string> = new Set(OBJECT_RESULT_TYPES_V2);

export function isCapabilityContractV2(name: string): name is CapabilityContractV2 {
  return capabilities.has(name);
}

export function isObjectResultTypeV2(name: string): name is ObjectResultTypeV2 {
  return objectTypes.has(name);
}

/** What a `contract` option names in v2: a capability, an object type, or a structured-data schema UUID. */
export type ContractSelectionV2 =
  | { kind: 'capability'; name: CapabilityContractV2 }
  | { kind: 'object'; type: ObjectResultTypeV2 }
  | { kind: 'structured-data'; schemaId: string }
  | { kind: 'unknown' };

/**
 * Resolves a `contract` option: a capability name first (the names a document declares), then an
 * object type; `object:<type>` always selects the object contract (for `text`, `object`,
 * `concept`, `keyword` and `anomaly`, which are both).
 */
export function resolveContractV2(contract: string): ContractSelectionV2 {
  if (contract.startsWith(OBJECT_CONTRACT_PREFIX)) {
    const type = contract.slice(OBJECT_CONTRACT_PREFIX.length);
    return isObjectResultTypeV2(type) ? { kind: 'object', type } : { kind: 'unknown' };
  }
  if (isCapabilityContractV2(contract)) return { kind: 'capability', name: contract };
  if (isObjectResultTypeV2(contract)) return { kind: 'object', type: contract };
  if (UUID_PATTERN.test(contract)) return { kind: 'structured-data', schemaId: contract };
  return { kind: 'unknown' };
}

/** Every name `validate(doc, { version: 'v2', contract })` accepts, for messages and the CLI. */
export const CONTRACT_NAMES_V2: readonly string[] = [
  ...CAPABILITY_CONTRACTS_V2,
  ...OBJECT_RESULT_TYPES_V2.filter((type) => !capabilities.has(type)),
  ...OBJECT_RESULT_TYPES_V2.map((type) => `${OBJECT_CONTRACT_PREFIX}${type}`),
];
