import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChunkTask, ToolkitEvent } from '../chunk-run.ts';
import { RequestError, ToolkitError } from '../common/errors.ts';
import { checkId } from '../common/ids.ts';
import { closeServer, listen, requestUrl, sendError, sendJson, sendText } from '../common/http.ts';
import { receiveMultipartToDisk } from '../common/multipart.ts';
import { guardRequest } from './request-guard.ts';
import { createMediaConsole } from '../media/console-media.ts';
import type { EngineSession } from '../run-process.ts';

export interface StartConsoleOptions {
  /** A started engine session (engine child + toolkit servers). */
  session: EngineSession;
  /** Default 9090, like the real test console; 0 = any free port. */
  port?: number;
  host?: string;
  /** Defaults for every chunk sent from the page (maxTTL, notify URIs, ...). */
  defaults?: ChunkTask;
  /** Largest upload accepted (streamed to disk; larger ones get 413); default 512 MiB. */
  maxUploadBytes?: number;
  /** Host names besides IP literals, `localhost` and the bound host that may reach the console. */
  allowedHosts?: string[];
}

/** Console limits; each is documented in the README. */
export const CONSOLE_LIMITS = {
  uploadBytes: 512 * 1024 * 1024,
  /** The page sends one file, the chunk. */
  files: 1,
  fields: 200,
  fieldBytes: 1024 * 1024,
  /** Open live-event streams (browser tabs). */
  eventClients: 32,
  /** Unsent bytes a live-event stream may hold before it is closed (a tab that stopped reading). */
  eventBacklogBytes: 16 * 1024 * 1024,
} as const;

export interface TestConsole {
  readonly url: string;
  close(): Promise<void>;
}

/** The page and its script ship as files next to `dist/` (and `src/`): `assets/`. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'console.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

/** `dist/*.js` is one folder below the package root, `src/console/*.ts` two. */
function assetPath(file: string): string {
  const candidates = [`../assets/${file}`, `../../assets/${file}`].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
}

/**
 * Serves the Engine Toolkit Test Console: a page to upload a file, edit the fields and payload,
 * send it to the engine, and watch heartbeats, results and validation issues live (SSE).
 */
export async function startConsole(options: StartConsoleOptions): Promise<TestConsole> {
  const { session } = options;
  const clients = new Set<ServerResponse>();
  const uploadDir = join(session.toolkit.workDir, 'uploads');
  await mkdir(uploadDir, { recursive: true });

  const broadcast = (event: ToolkitEvent | { type: string; [key: string]: unknown }) => {
    const data = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const client of clients) {
      // A tab that stops reading would make the toolkit buffer every later event: it is dropped.
      if (client.writableLength > CONSOLE_LIMITS.eventBacklogBytes) {
        clients.delete(client);
        client.destroy();
        continue;
      }
      client.write(data);
    }
  };

  const media = createMediaConsole({
    session,
    uploadDir,
    maxUploadBytes: options.maxUploadBytes ?? CONSOLE_LIMITS.uploadBytes,
    broadcast,
  });

  const boundHost = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    Promise.resolve()
      .then(() => handle(request, response, requestUrl(request)))
      .catch((error: unknown) => sendError(request, response, error, 'console error'));
  });

  async function handle(request: IncomingMessage, response: ServerResponse, url: URL) {
    guardRequest(request, boundHost, options.allowedHosts);
    const asset = ASSETS[url.pathname];
    if (asset && request.method === 'GET') {
      response.setHeader('content-type', asset.type);
      response.setHeader('cache-control', 'no-store');
      response.end(await readFile(assetPath(asset.file)));
      return;
    }
    if (url.pathname === '/api/events') return openEventStream(request, response);
    if (url.pathname === '/api/ready') return sendJson(response, 200, await readyState(session.readyUrl));
    if (url.pathname === '/api/defaults') return sendJson(response, 200, defaultsFor(options.defaults));
    if (url.pathname === '/api/process' && request.method === 'POST') return processUpload(request, response);
    if (await media.handle(request, response, url)) return;
    sendText(response, 404, 'not found');
  }

  function openEventStream(request: IncomingMessage, response: ServerResponse) {
    if (clients.size >= CONSOLE_LIMITS.eventClients)
      return sendJson(response, 503, {
        error: `more than ${CONSOLE_LIMITS.eventClients} open event streams; close a console tab`,
        code: 'too_many_event_streams',
      });
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    clients.add(response);
    request.on('close', () => clients.delete(response));
  }

  async function processUpload(request: IncomingMessage, response: ServerResponse) {
    // The upload goes to disk as it arrives; over a limit the whole request is refused (413).
    const form = await receiveMultipartToDisk(request, uploadDir, {
      fileBytes: options.maxUploadBytes ?? CONSOLE_LIMITS.uploadBytes,
      files: CONSOLE_LIMITS.files,
      fields: CONSOLE_LIMITS.fields,
      fieldBytes: CONSOLE_LIMITS.fieldBytes,
      acceptFile: (field) => field === 'chunk',
    });
    let answer: [status: number, body: unknown];
    try {
      answer = await runUpload(form);
    } finally {
      // The upload is the chunk of this run only: removed before the answer goes out.
      await Promise.all(form.files.map((file) => rm(file.path, { force: true })));
    }
    sendJson(response, ...answer);
  }

  async function runUpload(
    form: Awaited<ReturnType<typeof receiveMultipartToDisk>>,
  ): Promise<[status: number, body: unknown]> {
    const file = form.files.find((entry) => entry.field === 'chunk');
    let task: ChunkTask;
    try {
      task = taskFromForm(form.fields, options.defaults);
    } catch (error) {
      const code = error instanceof ToolkitError ? error.code : 'invalid_field';
      return [400, { error: (error as Error).message, code }];
    }
    if (file && file.bytes > 0) {
      const mimeType = form.fields.chunkMimeType || file.mimeType;
      task.chunk = { path: file.path, ...(mimeType ? { mimeType } : {}) };
    } else if (form.fields.chunkMimeType?.trim()) {
      // No file (Veritone's Go sample: a MIME type and a cacheURI): the type is still forwarded.
      task.extraFields = { ...task.extraFields, chunkMimeType: form.fields.chunkMimeType.trim() };
    }
    broadcast({ type: 'started', internalTaskId: task.internalTaskId ?? '' });
    let summary: Awaited<ReturnType<typeof session.toolkit.runChunk>>;
    try {
      summary = await session.toolkit.runChunk(task, {
        onEvent: broadcast,
        engineExited: session.engine.exited,
      });
    } catch (error) {
      // A field the user set makes the /process request invalid (e.g. width "wide"): say which.
      if (error instanceof ToolkitError) return [400, { error: error.message, code: error.code }];
      throw error;
    }
    return [200, summary];
  }

  const url = await listen(server, options.port ?? 9090, options.host ?? '127.0.0.1');
  return {
    url,
    async close() {
      for (const client of clients) client.end();
      await closeServer(server);
    },
  };
}

async function readyState(readyUrl: string): Promise<{ status: number | null; error?: string }> {
  try {
    const response = await fetch(readyUrl, { signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return { status: response.status };
  } catch (error) {
    return { status: null, error: (error as Error).message };
  }
}

function defaultsFor(defaults: ChunkTask = {}) {
  return {
    internalJobId: defaults.internalJobId ?? `job-${randomUUID()}`,
    internalTaskId: defaults.internalTaskId ?? `task-${randomUUID()}`,
    maxTTL: defaults.maxTtlSeconds ?? 3600,
    payload: defaults.payload ?? {},
  };
}

function optionalInt(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0)
    throw new RequestError(400, 'invalid_field', `${field} must be a whole number >= 0`);
  return number;
}

function parseJsonField(value: string, field: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new RequestError(400, 'invalid_field', `${field} is not valid JSON: ${(error as Error).message}`);
  }
}

/** `chunkMetadata` is a JSON object of strings: each entry becomes a `chunk-metadata-{key}` field. */
function parseChunkMetadata(value: string): Record<string, string> {
  const metadata = parseJsonField(value, 'chunkMetadata');
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw new RequestError(400, 'invalid_field', 'chunkMetadata must be a JSON object of strings');
  for (const [key, entry] of Object.entries(metadata)) {
    if (typeof entry !== 'string')
      throw new RequestError(
        400,
        'invalid_field',
        `chunkMetadata.${key} must be a string, not ${typeof entry}`,
      );
    if (!/^[A-Za-z0-9_.-]+$/.test(key))
      throw new RequestError(
        400,
        'invalid_field',
        `chunkMetadata key ${JSON.stringify(key)} is not a valid field name`,
      );
  }
  return metadata as Record<string, string>;
}

/** The page's form fields are named after the `/process` fields they become. */
function taskFromForm(fields: Record<string, string>, defaults: ChunkTask = {}): ChunkTask {
  const payload = fields.payload?.trim()
    ? parseJsonField(fields.payload, 'payload')
    : (defaults.payload ?? {});
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new RequestError(400, 'invalid_field', 'payload must be a JSON object');
  }
  const metadata = fields.chunkMetadata?.trim() ? parseChunkMetadata(fields.chunkMetadata) : undefined;
  const numbers = {
    startOffsetMs: optionalInt(fields.startOffsetMS, 'startOffsetMS'),
    endOffsetMs: optionalInt(fields.endOffsetMS, 'endOffsetMS'),
    chunkIndex: optionalInt(fields.chunkIndex, 'chunkIndex'),
    maxTtlSeconds: optionalInt(fields.maxTTL, 'maxTTL'),
  };
  const task: ChunkTask = { ...defaults, payload: payload as Record<string, unknown> };
  for (const [key, value] of Object.entries(numbers))
    if (value !== undefined) Object.assign(task, { [key]: value });
  // Ids name the task's folder and webhooks: refused here with a reason, before anything is created.
  if (fields.internalJobId) task.internalJobId = checkId('internalJobId', fields.internalJobId);
  task.internalTaskId = fields.internalTaskId
    ? checkId('internalTaskId', fields.internalTaskId)
    : `task-${randomUUID()}`;
  if (metadata) task.chunkMetadata = metadata;
  Object.assign(task, forwardedFields(fields));
  if (fields.strict === 'on' || fields.strict === 'true') task.strict = true;
  if (fields.vtnVersion === 'v1' || fields.vtnVersion === 'v2') task.vtnVersion = fields.vtnVersion;
  return task;
}

/**
 * Like the real console, which proxies its form: every field the user sets reaches the engine.
 * The /process field names are kept; `cacheURI`, `width` and `height` override what the toolkit
 * would generate (a cacheURI pointing elsewhere, a size the toolkit cannot read).
 */
function forwardedFields(fields: Record<string, string>): Partial<ChunkTask> {
  const set = (name: string) => (fields[name]?.trim() ? fields[name].trim() : undefined);
  const forwarded: Partial<ChunkTask> = {};
  for (const name of ['token', 'veritoneApiBaseUrl', 'libraryId', 'libraryEngineModelId'] as const) {
    const value = set(name);
    if (value !== undefined) forwarded[name] = value;
  }
  const extra: Record<string, string> = {};
  const cacheURI = set('cacheURI');
  if (cacheURI !== undefined) extra.cacheURI = cacheURI;
  for (const name of ['width', 'height'] as const) {
    const value = optionalInt(fields[name], name);
    if (value !== undefined) extra[name] = String(value);
  }
  if (Object.keys(extra).length > 0) forwarded.extraFields = extra;
  return forwarded;
}
