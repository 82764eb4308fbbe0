import { RespClient } from './resp-client.ts';

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

export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  readonly #client: RespClient;
  readonly #prefix: string;

  constructor(options: { host: string; port: number; keyPrefix?: string; timeoutMs?: number }) {
    this.#client = new RespClient(options);
    this.#prefix = options.keyPrefix ?? 'engine-toolkit:';
  }

  /** Checks the connection up front, so a wrong host is reported at start, not on first use. */
  async ping(): Promise<void> {
    await this.#client.command('PING');
  }

  async get(key: string): Promise<Buffer | undefined> {
    const value = await this.#client.command('GET', this.#prefix + key);
    if (value === null) return undefined;
    return Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    await this.#client.command('SET', this.#prefix + key, value, 'EX', String(ttlSeconds));
  }

  async close(): Promise<void> {
    this.#client.close();
  }
}

/** The seed's rule: a Redis-backed redisET only when AIWARE_REDIS_HOST and AIWARE_REDIS_PORT are set. */
export function redisSettingsFromEnv(env: NodeJS.ProcessEnv): { host: string; port: number } | undefined {
  const host = env.AIWARE_REDIS_HOST;
  const port = Number(env.AIWARE_REDIS_PORT);
  if (!host || !Number.isInteger(port) || port <= 0) return undefined;
  return { host, port };
}
