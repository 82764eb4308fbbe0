import { redactSecrets, redactUrlsInText } from '@engine-kit/contracts';

const REDACTED = '[REDACTED]';
const BEARER_PATTERN = /(Bearer\s+)[^\s"',;]+/gi;
/** Bounds on the JSON values {@link redactValue} walks: an echoed `data` can be large or deep. */
const MAX_VALUE_DEPTH = 32;

function knownSecrets(secrets: readonly (string | undefined)[]): string[] {
  return secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
}

/**
 * Removes secrets from any text that may reach a person: error messages, causes and log lines.
 * Each secret is replaced as a whole value (a token `t` never garbles `UpdateLibraryEngineModel`;
 * secrets too short to redact safely are left to the warning the client gives at start-up, see
 * `MIN_REDACTABLE_SECRET_LENGTH`), every http(s) URL loses its query values and userinfo (signed
 * `dataUrl`s carry their signature there), and Bearer credentials are masked even when the secret
 * itself is unknown (e.g. echoed by a proxy).
 */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  return redactUrlsInText(redactSecrets(text, knownSecrets(secrets))).replace(
    BEARER_PATTERN,
    `$1${REDACTED}`,
  );
}

/**
 * A copy of a JSON value (a GraphQL `data` or an error `path`) with {@link redactText} applied to
 * every string and object key, so a token the server echoes stays out of the error's fields (and of
 * `util.inspect`). Deeper than 32 levels, the rest is replaced by `[REDACTED]`.
 */
export function redactValue(value: unknown, secrets: readonly (string | undefined)[], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_VALUE_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    copy[redactText(key, secrets)] = redactValue(item, secrets, depth + 1);
  return copy;
}

/** A copy of an error whose message (and its causes' messages) cannot leak the secret. */
export function redactError(error: unknown, secrets: readonly (string | undefined)[], depth = 0): unknown {
  if (!(error instanceof Error)) {
    return typeof error === 'string' ? redactText(error, secrets) : error;
  }
  const copy = new Error(redactText(error.message, secrets));
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  copy.stack = `${copy.name}: ${copy.message}`;
  if (error.cause !== undefined && depth < 4) {
    Object.defineProperty(copy, 'cause', {
      value: redactError(error.cause, secrets, depth + 1),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}
