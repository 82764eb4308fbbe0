import { EngineError } from './errors.ts';

/** Limits applied to every `/process` request; all sizes in bytes, times in milliseconds. */
export interface EngineLimits {
  /** Largest value of one form field (e.g. `payload`). */
  fieldSize: number;
  /** Most form fields in one request. */
  fields: number;
  /** Largest `chunk` file. */
  fileSize: number;
  /** Largest request body, all parts included. */
  bodySize: number;
  /** Time allowed to receive the request headers (slow-loris guard). */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request. */
  requestTimeoutMs: number;
  /** Longest pause between two pieces of the body. */
  bodyIdleTimeoutMs: number;
  /**
   * Request bodies received at once. A request is admitted (takes a work slot or a queue place) only
   * once its body is complete, so slow uploads never starve complete requests; this bounds the open
   * files and connections they can hold meanwhile.
   */
  uploads: number;
}

export const DEFAULT_LIMITS: Readonly<EngineLimits> = Object.freeze({
  fieldSize: 1024 * 1024,
  fields: 256,
  fileSize: 1024 * 1024 * 1024,
  bodySize: 1024 * 1024 * 1024 + 16 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 300_000,
  bodyIdleTimeoutMs: 30_000,
  uploads: 64,
});

export interface WebhookAddress {
  host: string;
  port: number;
  path: string;
}

export interface EngineAddressConfig {
  host: string;
  port: number;
  readyPath: string;
  processPath: string;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_READY_PATH = '/ready';
export const DEFAULT_PROCESS_PATH = '/process';

/**
 * Where the engine listens, from `VERITONE_WEBHOOK_READY` / `VERITONE_WEBHOOK_PROCESS`
 * (full URLs such as `http://0.0.0.0:8080/readyz`). Both must name the same port: the toolkit
 * calls both on one server. Explicit options win over the environment.
 */
export function resolveAddress(
  env: Record<string, string | undefined>,
  options: { host?: string; port?: number; readyPath?: string; processPath?: string } = {},
): EngineAddressConfig {
  const ready = parseWebhookUrl('VERITONE_WEBHOOK_READY', env.VERITONE_WEBHOOK_READY);
  const process = parseWebhookUrl('VERITONE_WEBHOOK_PROCESS', env.VERITONE_WEBHOOK_PROCESS);
  if (ready && process && ready.port !== process.port) {
    throw new EngineError(
      'invalid_option',
      `VERITONE_WEBHOOK_READY (port ${ready.port}) and VERITONE_WEBHOOK_PROCESS (port ${process.port}) must use the same port.`,
    );
  }
  return {
    host: options.host ?? ready?.host ?? process?.host ?? '0.0.0.0',
    port: options.port ?? ready?.port ?? process?.port ?? DEFAULT_PORT,
    readyPath: options.readyPath ?? ready?.path ?? DEFAULT_READY_PATH,
    processPath: options.processPath ?? process?.path ?? DEFAULT_PROCESS_PATH,
  };
}

function parseWebhookUrl(name: string, value: string | undefined): WebhookAddress | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EngineError(
      'invalid_option',
      `${name} must be a full URL such as http://0.0.0.0:8080/ready; got ${value}.`,
    );
  }
  if (url.protocol !== 'http:') {
    throw new EngineError('invalid_option', `${name} must be an http:// URL; got ${value}.`);
  }
  const port = url.port === '' ? 80 : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, port, path: url.pathname || '/' };
}

/** In-flight `/process` work at once: the option, else `VERITONE_CONCURRENT_TASKS`, else 1. */
export function resolveConcurrency(
  env: Record<string, string | undefined>,
  option: number | undefined,
): number {
  if (option !== undefined) return positiveInteger('concurrency', option);
  const fromEnv = env.VERITONE_CONCURRENT_TASKS;
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv.trim()) && Number(fromEnv) >= 1) return Number(fromEnv);
  return 1;
}

export function resolveLimits(overrides: Partial<EngineLimits> | undefined): EngineLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) positiveInteger(`limits.${name}`, value);
  return limits;
}

export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new EngineError('invalid_option', `${name} must be an integer >= 1; got ${String(value)}.`);
  }
  return value;
}

export function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new EngineError('invalid_option', `${name} must be an integer >= 0; got ${String(value)}.`);
  }
  return value;
}
