import { redactSecrets, redactUrlsInText } from '@engine-kit/contracts';
import type { EngineLogger } from './logger.ts';

/**
 * Text on its way to an answer, a heartbeat or a log line: every http(s) URL loses its query values
 * and userinfo (a signed `dataUrl` carries its signature there), and each secret is replaced as a
 * whole value.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  return redactSecrets(redactUrlsInText(text), secrets);
}

/** The secrets a request carries, to keep out of everything the engine writes about it. */
export function requestSecrets(request: { token?: string; controllerToken?: string }): string[] {
  return [request.token, request.controllerToken].filter(
    (secret): secret is string => typeof secret === 'string' && secret !== '',
  );
}

/** A logger whose string fields (at any depth) and message pass through {@link redactText}. */
export function redactingLogger(logger: EngineLogger, secrets: readonly string[] = []): EngineLogger {
  const wrap =
    (write: EngineLogger['info']) =>
    (message: string, fields?: Record<string, unknown>): void =>
      write(
        redactText(message, secrets),
        fields && (redactValue(fields, secrets, 0) as Record<string, unknown>),
      );
  return {
    debug: wrap(logger.debug.bind(logger)),
    info: wrap(logger.info.bind(logger)),
    warn: wrap(logger.warn.bind(logger)),
    error: wrap(logger.error.bind(logger)),
  };
}

const MAX_DEPTH = 8;

function redactValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = redactValue(item, secrets, depth + 1);
  return result;
}
