/** The VTN standard versions this package validates. */
export const VTN_VERSIONS = ['v1', 'v2'] as const;
export type VtnVersion = (typeof VTN_VERSIONS)[number];

/**
 * `$schema` URLs that name VTN v2: `https://get.aiware.com/schemas/v2/...` (the latest 2.x) and
 * the pinned `.../schemas/v2.0/...`, `v2.1`, ... (http or https).
 */
const V2_SCHEMA_URL = /^https?:\/\/get\.aiware\.com\/schemas\/v2(?:[./]|$)/;

/**
 * The version a document is validated against: `requested` when given; otherwise v2 when the
 * document's `$schema` names a v2 schema URL, else v1 (the default until the next major).
 */
export function resolveVtnVersion(document: unknown, requested?: VtnVersion): VtnVersion {
  if (requested !== undefined) return requested;
  if (typeof document !== 'object' || document === null) return 'v1';
  const schema = (document as { $schema?: unknown }).$schema;
  return typeof schema === 'string' && V2_SCHEMA_URL.test(schema) ? 'v2' : 'v1';
}
