import { UUID_PATTERN } from './patterns.ts';

/** The twelve contracts the reference package ships a schema for (`aion` checks a whole document). */
export const REFERENCE_CONTRACTS = [
  'aion',
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
export type ReferenceContract = (typeof REFERENCE_CONTRACTS)[number];

/** Contract names used by the engine-category docs with no reference schema; see docs-only.ts for their rules. */
export const DOCS_ONLY_CONTRACTS = [
  'face',
  'logo',
  'license-plate',
  'speaker',
  'audio-fingerprint',
  'geolocation',
  'structured-data',
] as const;
export type DocsOnlyContract = (typeof DOCS_ONLY_CONTRACTS)[number];

/** Names a document may list in `validationContracts` (the reference's list, plus the docs-only names). */
export const DECLARABLE_CONTRACTS = [
  ...REFERENCE_CONTRACTS.filter((name) => name !== 'aion'),
  ...DOCS_ONLY_CONTRACTS,
] as const;

const declarable: ReadonlySet<string> = new Set(DECLARABLE_CONTRACTS);

/** True for a name that may appear in `validationContracts`: a declarable name or a structured-data schema UUID. */
export function isDeclarableContract(name: string): boolean {
  return declarable.has(name) || UUID_PATTERN.test(name);
}

/** True for a structured-data schema id used as a contract name. */
export function isStructuredDataContract(name: string): boolean {
  return UUID_PATTERN.test(name);
}
