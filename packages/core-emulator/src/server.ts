import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import {
  type DocumentNode,
  execute,
  type GraphQLError,
  type GraphQLSchema,
  parse,
  Source,
  validate,
} from 'graphql';
import { seededRandom } from './common/random.ts';
import { CoreEmulatorError } from './errors.ts';
import { createRootValue, emulatorSchema, type RequestContext, type UploadedFilePart } from './resolvers.ts';
import { applySeed, type Seed } from './seed.ts';
import { EmulatorStore, type StoredJob } from './store.ts';

export interface CoreEmulatorOptions {
  /** Port on 127.0.0.1 (or `host`); 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** A seed object, a seed JSON file, or a folder (`seed.json`, or `<entity>/<media>` sub-folders). */
  seed?: Seed | string;
  /** identifierTypeId given to seeded identifiers that name none (default `face`). */
  identifierTypeId?: string;
  /** Give every seeded library without models a `pending` library engine model of this engine. */
  engineId?: string;
  /** Persist the store in this folder (state.json + blobs/); in memory when omitted. */
  dataDir?: string;
  /** When set, GraphQL requests need `Authorization: Bearer <token>`. */
  token?: string;
  /** Delay added to every GraphQL request. */
  latencyMs?: number;
  /** Share (0..1) of GraphQL requests answered with a random 502, 503 or 504. */
  faultRate?: number;
  /** Share (0..1) of GraphQL requests answered 429 with `Retry-After`. */
  throttleRate?: number;
  /** At most `requests` GraphQL requests per `windowMs`; the rest get 429 with `Retry-After`. */
  rateLimit?: { requests: number; windowMs: number };
  /** `Retry-After` seconds of injected 429s (default 1; rate-limit 429s say when the window ends). */
  retryAfterSeconds?: number;
  /** Seed of the fault/throttle RNG (default 1), so injected failures are reproducible. */
  randomSeed?: number;
  /** Called for every job created with `createJob` or by `publishLibrary`. */
  onJob?: (job: StoredJob) => void;
  /**
   * Publishing a library starts a `library-train` job for each of its library engine models and marks
   * them `queued`, as the platform does (default true).
   */
  trainOnPublish?: boolean;
}

export interface CoreEmulatorStats {
  /** GraphQL HTTP requests received (including faulted, throttled and unauthorized ones). */
  requests: number;
  /** Requests answered by executing GraphQL. */
  executed: number;
  faults: number;
  throttled: number;
  unauthorized: number;
  inFlight: number;
  /** Most GraphQL requests in progress at once, measured on the server. */
  peakConcurrency: number;
  /** Executed requests per GraphQL operation name. */
  operations: Record<string, number>;
}

export interface CoreEmulator {
  /** Origin, e.g. `http://127.0.0.1:4123`. */
  readonly url: string;
  /** `<url>/v3/graphql`. */
  readonly graphqlUrl: string;
  readonly store: EmulatorStore;
  /** Jobs created with `createJob`, oldest first. */
  readonly jobs: StoredJob[];
  stats(): CoreEmulatorStats;
  resetStats(): void;
  close(): Promise<void>;
}

const FAULT_STATUSES = [502, 503, 504] as const;

/** Starts the emulated aiWARE core (GraphQL at `/v3/graphql`, media at `/media/...`). */
export async function startCoreEmulator(options: CoreEmulatorOptions = {}): Promise<CoreEmulator> {
  checkOptions(options);
  const store = new EmulatorStore(options.dataDir);
  if (options.seed !== undefined && store.isEmpty) {
    applySeed(store, options.seed, {
      ...(options.identifierTypeId ? { identifierTypeId: options.identifierTypeId } : {}),
      ...(options.engineId ? { engineId: options.engineId } : {}),
    });
  }
  const jobs: StoredJob[] = [...store.jobs.values()];
  const rootValue = createRootValue(store, {
    onJob: (job) => {
      jobs.push(job);
      options.onJob?.(job);
    },
    trainOnPublish: options.trainOnPublish,
  });
  const schema = emulatorSchema();
  const documents = new DocumentCache(schema);
  const random = seededRandom(options.randomSeed ?? 1);
  const stats = emptyStats();
  const rateWindow = { start: Date.now(), count: 0 };

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests += 1;
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      stats.unauthorized += 1;
      sendJson(res, 401, {
        errors: [
          {
            message: req.headers.authorization
              ? 'The token in the Authorization header is not valid for this core emulator: send the token given with --token.'
              : 'Missing "Authorization: Bearer <token>" header: send the token given to the core emulator with --token.',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      });
      req.resume();
      return;
    }
    if (options.latencyMs) await delay(options.latencyMs);
    const refusal = injectedRefusal();
    if (refusal) {
      req.resume();
      res.writeHead(refusal.status, {
        'content-type': 'application/json',
        ...(refusal.retryAfter !== undefined ? { 'retry-after': String(refusal.retryAfter) } : {}),
      });
      res.end(JSON.stringify({ errors: [{ message: refusal.message }] }));
      return;
    }
    let body: GraphQLRequestBody;
    try {
      body = await readGraphQLBody(req);
    } catch (error) {
      sendJson(res, 400, {
        errors: [{ message: (error as Error).message, extensions: { code: 'BAD_REQUEST' } }],
      });
      return;
    }
    const context: RequestContext = { baseUrl: originOf(req), file: body.file };
    const document = documents.get(body.query);
    const result =
      'errors' in document
        ? { errors: document.errors }
        : await execute({
            schema,
            document: document.document,
            rootValue,
            contextValue: context,
            variableValues: body.variables,
            operationName: body.operationName,
          });
    stats.executed += 1;
    const name = body.operationName ?? operationNameOf(body.query);
    stats.operations[name] = (stats.operations[name] ?? 0) + 1;
    sendJson(res, 200, result);
  }

  function injectedRefusal(): { status: number; message: string; retryAfter?: number } | undefined {
    const limit = options.rateLimit;
    if (limit) {
      const now = Date.now();
      if (now - rateWindow.start >= limit.windowMs) {
        rateWindow.start = now;
        rateWindow.count = 0;
      }
      rateWindow.count += 1;
      if (rateWindow.count > limit.requests) {
        stats.throttled += 1;
        const retryAfter = Math.max(0, Math.ceil((rateWindow.start + limit.windowMs - now) / 1000));
        return {
          status: 429,
          message: 'Rate limit exceeded; retry after the Retry-After delay.',
          retryAfter,
        };
      }
    }
    if (options.throttleRate && random() < options.throttleRate) {
      stats.throttled += 1;
      return {
        status: 429,
        message: 'Too many requests (injected); retry after the Retry-After delay.',
        retryAfter: options.retryAfterSeconds ?? 1,
      };
    }
    if (options.faultRate && random() < options.faultRate) {
      stats.faults += 1;
      const status = FAULT_STATUSES[Math.floor(random() * FAULT_STATUSES.length)] ?? 503;
      return { status, message: `Injected fault (HTTP ${status}).` };
    }
    return undefined;
  }

  function handleMedia(req: IncomingMessage, res: ServerResponse, path: string): void {
    const blobId = decodeURIComponent(path.split('/')[2] ?? '');
    const blob = store.blobs.get(blobId);
    const data = blob ? store.readBlob(blobId) : undefined;
    if (!blob || !data) {
      sendJson(res, 404, { error: `No media ${blobId}.` });
      return;
    }
    res.writeHead(200, { 'content-type': blob.contentType, 'content-length': String(data.length) });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  /** Test and benchmark hooks for an emulator in another process (same data as `stats()` and `jobs`). */
  function handleControl(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (path === '/_emulator/stats' && req.method === 'GET') {
      sendJson(res, 200, { ...stats, operations: { ...stats.operations } });
    } else if (path === '/_emulator/stats' && req.method === 'DELETE') {
      resetStats();
      sendJson(res, 200, { ...stats });
    } else if (path === '/_emulator/jobs' && req.method === 'GET') {
      sendJson(res, 200, { jobs });
    } else {
      sendJson(res, 404, {
        error: `No route ${req.method} ${path}; try GET /_emulator/stats or GET /_emulator/jobs.`,
      });
    }
  }

  function resetStats(): void {
    Object.assign(stats, emptyStats(), { inFlight: stats.inFlight });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/v3/graphql' && req.method === 'POST') {
      stats.inFlight += 1;
      stats.peakConcurrency = Math.max(stats.peakConcurrency, stats.inFlight);
      handleGraphQL(req, res)
        .catch((error: unknown) => {
          if (!res.headersSent)
            sendJson(res, 500, { errors: [{ message: `Emulator error: ${String(error)}` }] });
          else res.destroy();
        })
        .finally(() => {
          stats.inFlight -= 1;
        });
      return;
    }
    if (path.startsWith('/media/') && (req.method === 'GET' || req.method === 'HEAD')) {
      handleMedia(req, res, path);
      return;
    }
    if (path.startsWith('/_emulator/')) {
      handleControl(req, res, path);
      return;
    }
    if (path === '/v3/graphql') {
      sendJson(res, 405, { errors: [{ message: 'Send GraphQL requests with POST.' }] });
      return;
    }
    sendJson(res, 404, {
      error: `No route ${req.method} ${path}; the GraphQL endpoint is POST /v3/graphql.`,
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new CoreEmulatorError(
          'listen_failed',
          `Cannot listen on ${host}:${options.port ?? 0}: ${error.message}`,
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url,
    graphqlUrl: `${url}/v3/graphql`,
    store,
    jobs,
    stats: () => ({ ...stats, operations: { ...stats.operations } }),
    resetStats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const DOCUMENT_CACHE_SIZE = 200;

/** Parsed and validated documents by source text: clients send the same few documents again and again. */
class DocumentCache {
  private readonly entries = new Map<
    string,
    { document: DocumentNode } | { errors: readonly GraphQLError[] }
  >();

  constructor(private readonly schema: GraphQLSchema) {}

  get(query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    const cached = this.entries.get(query);
    if (cached) return cached;
    const entry = this.compile(query);
    if (this.entries.size >= DOCUMENT_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(query, entry);
    return entry;
  }

  private compile(query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    let document: DocumentNode;
    try {
      document = parse(new Source(query, 'request'));
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
    const errors = validate(this.schema, document);
    return errors.length > 0 ? { errors } : { document };
  }
}

interface GraphQLRequestBody {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  file: UploadedFilePart | undefined;
}

async function readGraphQLBody(req: IncomingMessage): Promise<GraphQLRequestBody> {
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) return readMultipart(req);
  const text = Buffer.concat(await collect(req)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('The body is not JSON; send {"query": ..., "variables": ...} or multipart/form-data.');
  }
  const record = (json ?? {}) as Record<string, unknown>;
  if (typeof record.query !== 'string') throw new Error('The body has no "query" string.');
  return {
    query: record.query,
    variables: isObject(record.variables) ? record.variables : undefined,
    operationName: typeof record.operationName === 'string' ? record.operationName : undefined,
    file: undefined,
  };
}

/** Veritone's multipart convention: fields `query`, optional `variables` (JSON) and one `file` part. */
function readMultipart(req: IncomingMessage): Promise<GraphQLRequestBody> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: Promise<UploadedFilePart> | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers });
    } catch (error) {
      reject(new Error(`Malformed multipart request: ${(error as Error).message}`));
      return;
    }
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || file) {
        stream.resume();
        return;
      }
      file = collect(stream).then((chunks) => ({
        data: Buffer.concat(chunks),
        contentType: info.mimeType || 'application/octet-stream',
        filename: info.filename || 'file',
      }));
    });
    parser.on('error', (error) =>
      reject(new Error(`Malformed multipart request: ${(error as Error).message}`)),
    );
    parser.on('close', () => {
      if (typeof fields.query !== 'string') {
        reject(new Error('The multipart request has no "query" field.'));
        return;
      }
      let variables: Record<string, unknown> | undefined;
      if (fields.variables) {
        try {
          const parsed: unknown = JSON.parse(fields.variables);
          variables = isObject(parsed) ? parsed : undefined;
        } catch {
          reject(new Error('The multipart "variables" field is not JSON.'));
          return;
        }
      }
      const query = fields.query;
      (file ?? Promise.resolve(undefined)).then(
        (uploaded) => resolve({ query, variables, operationName: fields.operationName, file: uploaded }),
        reject,
      );
    });
    req.pipe(parser);
  });
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return chunks;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function originOf(req: IncomingMessage): string {
  const host = req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
  return `http://${host}`;
}

function operationNameOf(query: string): string {
  return /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function emptyStats(): CoreEmulatorStats {
  return {
    requests: 0,
    executed: 0,
    faults: 0,
    throttled: 0,
    unauthorized: 0,
    inFlight: 0,
    peakConcurrency: 0,
    operations: {},
  };
}

function checkOptions(options: CoreEmulatorOptions): void {
  const rate = (name: string, value: number | undefined) => {
    if (value !== undefined && !(value >= 0 && value <= 1)) {
      throw new CoreEmulatorError('invalid_options', `${name} must be between 0 and 1 (got ${value}).`);
    }
  };
  rate('faultRate', options.faultRate);
  rate('throttleRate', options.throttleRate);
  if (options.latencyMs !== undefined && !(options.latencyMs >= 0)) {
    throw new CoreEmulatorError('invalid_options', `latencyMs must be >= 0 (got ${options.latencyMs}).`);
  }
  if (options.rateLimit && !(options.rateLimit.requests >= 1 && options.rateLimit.windowMs >= 1)) {
    throw new CoreEmulatorError('invalid_options', 'rateLimit needs requests >= 1 and windowMs >= 1.');
  }
}
