import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolkitError } from '../src/common/errors.ts';
import { parseMultipart } from '../src/common/multipart.ts';
import {
  createProcessAgents,
  encodeMultipartEnvelope,
  INLINE_FILE_BYTES,
  MAX_PROCESS_RESPONSE_BYTES,
  type ProcessAgents,
  postProcessForm,
  readChunkFile,
} from '../src/process-post.ts';
import { makePng, tempDir } from './helpers.ts';

let workspace: { dir: string; cleanup: () => void };
let agents: ProcessAgents;
const closers: (() => Promise<void>)[] = [];

beforeEach(() => {
  workspace = tempDir('toolkit-process-post-');
  agents = createProcessAgents();
});

afterEach(async () => {
  agents.destroy();
  for (const close of closers.splice(0)) await close();
  workspace.cleanup();
});

interface Received {
  headers: IncomingMessage['headers'];
  fields: Record<string, string>;
  files: { field: string; filename: string; mimeType: string; data: Buffer }[];
  rawLength: number;
}

/** An engine that parses each form with busboy (as multer does) and answers with `answer`. */
async function startEngine(
  answer: (response: import('node:http').ServerResponse) => void = (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"series":[]}');
  },
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server: Server = createServer(async (request, response) => {
    const form = await parseMultipart(request);
    received.push({
      headers: request.headers,
      fields: form.fields,
      files: form.files,
      rawLength: Number(request.headers['content-length']),
    });
    answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/process`, received };
}

function chunkFile(bytes: Buffer, name = 'chunk.png') {
  const path = join(workspace.dir, name);
  writeFileSync(path, bytes);
  const content = readChunkFile(path);
  if (!content) throw new Error('the chunk was not read');
  return { path, filename: 'chunk.data', contentType: 'application/octet-stream', content };
}

const post = (url: string, fields: Record<string, string>, file?: ReturnType<typeof chunkFile>) =>
  postProcessForm(url, fields, file, {
    agents,
    userAgent: 'test-agent',
    signal: new AbortController().signal,
  });

describe('the /process POST', () => {
  it('sends every field and the chunk last as chunk.data, with an exact content-length', async () => {
    const engine = await startEngine();
    const png = makePng(32, 16);
    const fields = {
      internalJobId: 'job-1',
      chunkMimeType: 'image/png',
      payload: '{"a":"b\r\nc"}',
      width: '32',
    };
    const answer = await post(engine.url, fields, chunkFile(png));
    expect(answer).toEqual({ status: 200, contentType: 'application/json', body: '{"series":[]}' });
    const [seen] = engine.received;
    expect(seen!.fields).toEqual(fields);
    expect(seen!.files).toHaveLength(1);
    expect(seen!.files[0]).toMatchObject({
      field: 'chunk',
      filename: 'chunk.data',
      mimeType: 'application/octet-stream',
    });
    expect(seen!.files[0]!.data.equals(png)).toBe(true);
    expect(seen!.headers['user-agent']).toBe('test-agent');
    expect(seen!.headers['transfer-encoding']).toBeUndefined();
    // Every boundary has the same length, so a fresh envelope has the sent one's size.
    const envelope = encodeMultipartEnvelope(fields, {
      filename: 'chunk.data',
      contentType: 'application/octet-stream',
    });
    expect(seen!.rawLength).toBe(envelope.head.length + png.length + envelope.tail.length);
  });

  it('escapes quotes and backslashes in names as Go does, so a parser gives the names back', async () => {
    const engine = await startEngine();
    const fields = { 'chunk-metadata-say "hi"': 'one', 'back\\slash': 'two', 'line\r\nbreak': 'three' };
    await post(engine.url, fields);
    const names = Object.keys(engine.received[0]!.fields);
    expect(names).toContain('chunk-metadata-say "hi"');
    expect(names).toContain('back\\slash');
    // A CR/LF cannot be in a header: it is percent-encoded, and the form is still well formed.
    expect(names).toContain('line%0D%0Abreak');
    expect(Object.values(engine.received[0]!.fields)).toEqual(['one', 'two', 'three']);
  });

  it('gives every request its own 60-digit boundary', () => {
    const boundaries = new Set(
      Array.from(
        { length: 1000 },
        () => encodeMultipartEnvelope({}, undefined).contentType.split('boundary=')[1],
      ),
    );
    expect(boundaries.size).toBe(1000);
    for (const boundary of boundaries) expect(boundary).toMatch(/^[0-9a-f]{60}$/);
  });

  it('streams a chunk larger than the inline limit from disk, intact', async () => {
    const engine = await startEngine();
    const big = Buffer.alloc(INLINE_FILE_BYTES * 3 + 123);
    for (let index = 0; index < big.length; index++) big[index] = (index * 31) % 251;
    const file = chunkFile(big, 'big.bin');
    expect(file.content.data).toBeUndefined();
    expect(file.content.size).toBe(big.length);
    expect((await post(engine.url, { chunkMimeType: 'application/octet-stream' }, file)).status).toBe(200);
    expect(engine.received[0]!.files[0]!.data.equals(big)).toBe(true);
  });

  it('reads the answer as Response.text() does (UTF-8, a leading BOM dropped)', async () => {
    const engine = await startEngine((response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"é":1}')]));
    });
    expect((await post(engine.url, {})).body).toBe('{"é":1}');
  });

  it('refuses an answer declared larger than the bound without reading it', async () => {
    const engine = await startEngine((response) => {
      response.writeHead(200, { 'content-length': String(MAX_PROCESS_RESPONSE_BYTES + 1) });
      response.write('{');
    });
    const failure = await post(engine.url, {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ToolkitError);
    expect(failure).toMatchObject({ code: 'response_too_large' });
  });

  it('stops reading an undeclared answer once it passes the bound', async () => {
    const piece = Buffer.alloc(1024 * 1024, 0x20);
    const engine = await startEngine((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const more = () => {
        while (sent <= MAX_PROCESS_RESPONSE_BYTES + piece.length && !response.destroyed) {
          sent += piece.length;
          if (!response.write(piece)) return void response.once('drain', more);
        }
        response.end();
      };
      more();
    });
    await expect(post(engine.url, {})).rejects.toMatchObject({ code: 'response_too_large' });
  });

  it('rejects with the socket error code when nothing listens', async () => {
    const engine = await startEngine();
    const url = engine.url;
    for (const close of closers.splice(0)) await close();
    await expect(post(url, {})).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('retries once on a new connection when the engine closed a kept-alive socket', async () => {
    // Connection 1 answers once (keep-alive), then drops the socket when the next request arrives,
    // as a server whose idle timeout fired at that moment does. Connection 2 answers normally.
    let connections = 0;
    const sockets: Socket[] = [];
    const answerOnce = (socket: Socket, thenDrop: boolean) => {
      let answered = false;
      let buffered = '';
      socket.on('data', (data) => {
        if (answered) {
          if (thenDrop) socket.destroy();
          return;
        }
        buffered += data.toString('latin1');
        const headerEnd = buffered.indexOf('\r\n\r\n');
        if (headerEnd === -1) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered)?.[1] ?? 0);
        if (buffered.length - headerEnd - 4 < length) return;
        answered = true;
        buffered = '';
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
        if (!thenDrop) socket.end();
      });
    };
    const server: NetServer = createNetServer((socket) => {
      sockets.push(socket);
      connections++;
      answerOnce(socket, connections === 1);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    );
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/process`;
    expect((await post(url, { n: '1' })).status).toBe(200);
    expect((await post(url, { n: '2' })).status).toBe(200);
    expect(connections).toBe(2);
  });

  it('stops at once when its signal aborts', async () => {
    const engine = await startEngine(() => {});
    const controller = new AbortController();
    const pending = postProcessForm(engine.url, {}, undefined, {
      agents,
      userAgent: 'x',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('readChunkFile', () => {
  it('keeps a small file, sizes a large one, and finds no directory or missing file', () => {
    const small = join(workspace.dir, 'small');
    writeFileSync(small, 'abc');
    expect(readChunkFile(small)).toEqual({ size: 3, data: Buffer.from('abc') });
    const large = join(workspace.dir, 'large');
    writeFileSync(large, Buffer.alloc(INLINE_FILE_BYTES + 1));
    expect(readChunkFile(large)).toEqual({ size: INLINE_FILE_BYTES + 1 });
    mkdirSync(join(workspace.dir, 'folder'));
    expect(readChunkFile(join(workspace.dir, 'folder'))).toBeUndefined();
    expect(readChunkFile(join(workspace.dir, 'missing'))).toBeUndefined();
  });
});
