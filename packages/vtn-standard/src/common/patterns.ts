/**
 * Patterns shared by the zod schemas and the generated JSON Schema. They are written without
 * regex flags because JSON Schema `pattern` has none, and so that they mean the same in
 * ECMA-262, Python `re` and RE2 (the engines JSON Schema users in other languages run):
 * `[0-9]` rather than `\d` (Python's `\d` matches Arabic-Indic and other Unicode digits), an
 * explicit whitespace class rather than `\s` (the three engines disagree on it), and no
 * lookaround (RE2 has none). `$` is the one piece that still differs: Python's `$` also matches
 * before a trailing newline, so every generated `pattern` is paired with NO_TRAILING_NEWLINE.
 */

/** A structured-data schema id as the reference writes it: a lower-case 8-4-4-4-12 UUID. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * ECMA-262's `\s`, spelled out (WhiteSpace and LineTerminator, Unicode Zs included) with literal
 * characters, because RE2 has no `\u` escape and Python's `\s` is a different set.
 */
export const ECMA_WHITESPACE_CLASS =
  '\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/**
 * The reference validates `format: date-time` with Ajv 6's default "fast" format, a plain regex.
 * Reproducing that regex (its `i` flag and `\d`/`\s` spelled out) keeps our verdict equal to the
 * reference's, where a full RFC 3339 check would reject documents the platform accepts.
 */
export const DATE_TIME_PATTERN = new RegExp(
  `^[0-9]{4}-[0-1][0-9]-[0-3][0-9][tT${ECMA_WHITESPACE_CLASS}](?:[0-2][0-9]:[0-5][0-9]:[0-5][0-9]|23:59:60)(?:\\.[0-9]+)?(?:[zZ]|[+-][0-9]{2}(?::?[0-9]{2})?)$`,
);

/**
 * JSON Schema that rejects a string ending in a newline. Next to a `^...$` pattern it removes
 * Python's extra match before a trailing newline; ECMA-262 and RE2 already reject those strings,
 * so the pair gives one verdict in all three engines.
 */
export const NO_TRAILING_NEWLINE = { not: { pattern: '\n$' } } as const;
