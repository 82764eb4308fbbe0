const REDACTED = '[REDACTED]';
const BEARER_PATTERN = /(Bearer\s+)[^\s"',;]+/gi;

/**
 * Removes a secret from any text that may reach a person: error messages, causes and log lines.
 * Bearer credentials are masked even when the secret itself is unknown (e.g. echoed by a proxy).
 */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length > 0) result = result.split(secret).join(REDACTED);
  }
  return result.replace(BEARER_PATTERN, `$1${REDACTED}`);
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
