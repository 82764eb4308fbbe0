import { createClient, RESP_TYPES } from '@redis/client';
import { ToolkitError } from '../common/errors.ts';

/** Where redisET keeps values: a real Redis, or memory when no Redis is configured. */
export interface KeyValueStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/** In-memory store with the same TTL behaviour as Redis `SET key value EX ttl`. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, { value: Buffer; expiresAt: number }>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async get(key: string): Promise<Buffer | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    this.#entries.set(key, { value: Buffer.from(value), expiresAt: this.#now() + ttlSeconds * 1000 });
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}

export interface RedisKeyValueStoreOptions {
  host?: string;
  port?: number;
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS; overrides host and port. */
  url?: string;
  /** Prepended to every key; `engine-toolkit:` by default. */
  keyPrefix?: string;
  /** Bound on connecting and on each command, in ms; 10 s by default. */
  timeoutMs?: number;
}

/** Default bound on connecting to Redis and on each redisET command. */
export const REDIS_TIMEOUT_MS = 10_000;

/**
 * redisET backed by a real Redis, through node-redis (`@redis/client`): reconnection with
 * backoff, auth and TLS (`url`), RESP parsing that copes with large values. Commands fail at once
 * while Redis is down (answered 500) instead of queueing, and work again once it is back.
 */
export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  readonly #client;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #where: string;
  #connected = false;
  #connecting: Promise<unknown> | undefined;
  #closed = false;

  constructor(options: RedisKeyValueStoreOptions) {
    this.#prefix = options.keyPrefix ?? 'engine-toolkit:';
    this.#timeoutMs = options.timeoutMs ?? REDIS_TIMEOUT_MS;
    this.#where = options.url
      ? redactUrl(options.url)
      : `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
    this.#client = createClient({
      ...(options.url ? { url: options.url } : {}),
      socket: {
        ...(options.url ? {} : { host: options.host ?? '127.0.0.1', port: options.port ?? 6379 }),
        connectTimeout: this.#timeoutMs,
        // A first connection that fails is reported (the toolkit refuses to start); a connection
        // that was up is retried with backoff, so a Redis restart only fails the calls made meanwhile.
        reconnectStrategy: (retries: number) => (this.#connected ? Math.min(50 * 2 ** retries, 2000) : false),
      },
      disableOfflineQueue: true,
      commandOptions: { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } },
    });
    // Failures surface through the command that meets them; the event only needs a listener.
    this.#client.on('error', () => {});
    this.#client.on('ready', () => {
      this.#connected = true;
    });
  }

  /** Checks the connection up front, so a wrong host is reported at start, not on first use. */
  async ping(): Promise<void> {
    await this.#run(() => this.#client.ping());
  }

  async get(key: string): Promise<Buffer | undefined> {
    const value = await this.#run(() => this.#client.get(this.#prefix + key));
    if (value === null || value === undefined) return undefined;
    return Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    await this.#run(() =>
      this.#client.set(this.#prefix + key, value, { expiration: { type: 'EX', value: ttlSeconds } }),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#client.isOpen) this.#client.destroy();
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new ToolkitError('redis_error', `the Redis store for ${this.#where} is closed`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ToolkitError(
              'redis_error',
              `Redis at ${this.#where} did not answer within ${this.#timeoutMs} ms`,
            ),
          ),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([this.#open().then(command), timeout]);
    } catch (error) {
      if (error instanceof ToolkitError) throw error;
      throw new ToolkitError('redis_error', `Redis at ${this.#where}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  #open(): Promise<unknown> {
    if (this.#client.isOpen) return Promise.resolve();
    this.#connecting ??= this.#client.connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }
}

/** A Redis URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = 'redacted';
    return parsed.toString();
  } catch {
    return 'the configured Redis URL';
  }
}

/** The seed's rule: a Redis-backed redisET only when AIWARE_REDIS_HOST and AIWARE_REDIS_PORT are set. */
export function redisSettingsFromEnv(env: NodeJS.ProcessEnv): { host: string; port: number } | undefined {
  const host = env.AIWARE_REDIS_HOST;
  const port = Number(env.AIWARE_REDIS_PORT);
  if (!host || !Number.isInteger(port) || port <= 0) return undefined;
  return { host, port };
}
