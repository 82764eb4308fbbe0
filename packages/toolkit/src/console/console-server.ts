import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChunkTask, ToolkitEvent } from '../chunk-run.ts';
import { closeServer, listen, sendJson, sendText } from '../common/http.ts';
import { parseMultipart } from '../common/multipart.ts';
import type { EngineSession } from '../run-process.ts';

export interface StartConsoleOptions {
  /** A started engine session (engine child + toolkit servers). */
  session: EngineSession;
  /** Default 9090, like the real test console; 0 = any free port. */
  port?: number;
  host?: string;
  /** Defaults for every chunk sent from the page (maxTTL, notify URIs, ...). */
  defaults?: ChunkTask;
}

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
    for (const client of clients) client.write(data);
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://console');
    handle(request, response, url).catch((error: Error) => {
      if (!response.headersSent) sendText(response, 500, error.message);
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse, url: URL) {
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
    sendText(response, 404, 'not found');
  }

  function openEventStream(request: IncomingMessage, response: ServerResponse) {
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
    const form = await parseMultipart(request);
    const file = form.files.find((entry) => entry.field === 'chunk');
    let task: ChunkTask;
    try {
      task = taskFromForm(form.fields, options.defaults);
    } catch (error) {
      return sendJson(response, 400, { error: (error as Error).message });
    }
    if (file && file.data.length > 0) {
      const path = join(uploadDir, `${randomUUID()}-${basename(file.filename || 'chunk')}`);
      await writeFile(path, file.data);
      const mimeType = form.fields.chunkMimeType || file.mimeType;
      task.chunk = { path, ...(mimeType ? { mimeType } : {}) };
    }
    broadcast({ type: 'started', internalTaskId: task.internalTaskId ?? '' });
    const summary = await session.toolkit.runChunk(task, {
      onEvent: broadcast,
      engineExited: session.engine.exited,
    });
    sendJson(response, 200, summary);
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
  if (!Number.isInteger(number) || number < 0) throw new TypeError(`${field} must be a whole number >= 0`);
  return number;
}

/** The page's form fields are named after the `/process` fields they become. */
function taskFromForm(fields: Record<string, string>, defaults: ChunkTask = {}): ChunkTask {
  const payload = fields.payload?.trim() ? JSON.parse(fields.payload) : (defaults.payload ?? {});
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('payload must be a JSON object');
  }
  const metadata = fields.chunkMetadata?.trim() ? JSON.parse(fields.chunkMetadata) : undefined;
  const numbers = {
    startOffsetMs: optionalInt(fields.startOffsetMS, 'startOffsetMS'),
    endOffsetMs: optionalInt(fields.endOffsetMS, 'endOffsetMS'),
    chunkIndex: optionalInt(fields.chunkIndex, 'chunkIndex'),
    maxTtlSeconds: optionalInt(fields.maxTTL, 'maxTTL'),
  };
  const task: ChunkTask = { ...defaults, payload };
  for (const [key, value] of Object.entries(numbers))
    if (value !== undefined) Object.assign(task, { [key]: value });
  if (fields.internalJobId) task.internalJobId = fields.internalJobId;
  task.internalTaskId = fields.internalTaskId || `task-${randomUUID()}`;
  if (metadata) task.chunkMetadata = metadata;
  return task;
}
