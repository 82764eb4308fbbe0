/**
 * Patterns shared by the zod schemas and the generated JSON Schema. They are written without
 * regex flags because JSON Schema `pattern` has none.
 */

/** A structured-data schema id as the reference writes it: a lower-case 8-4-4-4-12 UUID. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The reference validates `format: date-time` with Ajv 6's default "fast" format, a plain regex.
 * Reproducing that regex (its `i` flag spelled out) keeps our verdict equal to the reference's,
 * where a full RFC 3339 check would reject documents the platform accepts.
 */
export const DATE_TIME_PATTERN =
  /^\d\d\d\d-[0-1]\d-[0-3]\d[tT\s](?:[0-2]\d:[0-5]\d:[0-5]\d|23:59:60)(?:\.\d+)?(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/;
