import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startToolkit, type Toolkit, type ToolkitSummary } from '../src/index.ts';
import { tempDir, writePng } from './helpers.ts';

/**
 * The toolkit against engines shaped like the real world (Go engines without a content type,
 * Veritone's samples' heartbeats, batch engines posting to /callback), each played by an
 * in-process HTTP server whose /process handler the test writes.
 */
type Handler = (
  fields: Record<string, string>,
  response: ServerResponse,
  request: IncomingMessage,
) => unknown;

let workspace: { dir: string; cleanup: () => void };
let chunkPath: string;
let engine: Server;
let processUrl: string;
let handler: Handler;
let calls: number;
/** The last /process handler run: webhook answers are checked after it has seen them all. */
let handled: Promise<unknown>;
const toolkits: Toolkit[] = [];
const servers: Server[] = [];

beforeEach(async () => {
  workspace = tempDir();
  chunkPath = writePng(workspace.dir, 40, 30);
  calls = 0;
  engine = createServer(async (request, response) => {
    const parts: Buffer[] = [];
    for await (const part of request) parts.push(part as Buffer);
    const form = await new Response(Buffer.concat(parts), {
      headers: { 'content-type': request.headers['content-type'] ?? '' },
    }).formData();
    const fields: Record<string, string> = {};
    for (const [name, value] of form) if (typeof value === 'string') fields[name] = value;
    calls++;
    handled = Promise.resolve(handler(fields, response, request));
    await handled;
  });
  await new Promise<void>((resolve) => engine.listen(0, '127.0.0.1', resolve));
  processUrl = `http://127.0.0.1:${(engine.address() as { port: number }).port}/process`;
});

afterEach(async () => {
  await Promise.all(toolkits.splice(0).map((toolkit) => toolkit.close()));
  engine.closeAllConnections();
  await new Promise((resolve) => engine.close(resolve));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  workspace.cleanup();
});

async function toolkit(options: Partial<Parameters<typeof startToolkit>[0]> = {}): Promise<Toolkit> {
  const started = await startToolkit({ processUrl, workDir: join(workspace.dir, 'work'), ...options });
  toolkits.push(started);
  return started;
}

function answer(response: ServerResponse, status: number, body: string, contentType?: string) {
  response.writeHead(status, contentType ? { 'content-type': contentType } : {});
  response.end(body);
}

const postJson = (url: string, value: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });

/** Go's `json.NewEncoder(w).Encode(v)` with no header: Go then sends `text/plain; charset=utf-8`. */
function goJson(response: ServerResponse, value: unknown) {
  answer(response, 200, `${JSON.stringify(value)}\n`, 'text/plain; charset=utf-8');
}

function hasProgram(name: string): boolean {
  try {
    execFileSync(name, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A little-endian baseline TIFF header with one IFD: ImageWidth and ImageLength (TIFF 6.0, section 2). */
function minimalTiff(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(8 + 2 + 2 * 12 + 4);
  bytes.write('II', 0, 'latin1');
  bytes.writeUInt16LE(42, 2);
  bytes.writeUInt32LE(8, 4);
  bytes.writeUInt16LE(2, 8);
  const entry = (at: number, tag: number, value: number) => {
    bytes.writeUInt16LE(tag, at);
    bytes.writeUInt16LE(3, at + 2); // SHORT
    bytes.writeUInt32LE(1, at + 4);
    bytes.writeUInt16LE(value, at + 8);
  };
  entry(10, 256, width);
  entry(22, 257, height);
  return bytes;
}

const FACE = {
  series: [
    {
      startTimeMs: 0,
      stopTimeMs: 1000,
      object: {
        type: 'face',
        confidence: 0.9,
        boundingPoly: [
          { x: 0.1, y: 0.1 },
          { x: 0.5, y: 0.1 },
          { x: 0.5, y: 0.5 },
        ],
      },
    },
  ],
};

describe('a 200 body that parses as a JSON object is JSON whatever its declared type', () => {
  it('validates a synchronous VTN answer typed text/plain and warns about the type', async () => {
    handler = (_fields, response) => goJson(response, FACE);
    const summary = await (await toolkit()).runChunk({ chunk: { path: chunkPath } });
    expect(summary).toMatchObject({ status: 'complete', responseKind: 'vtn' });
    expect(summary.outputs[0]).toMatchObject({ valid: true, output: FACE });
    expect(summary.warnings).toEqual([
      expect.objectContaining({ code: 'json_content_type', source: 'process-response' }),
    ]);
  });

  it('goes async on {"estimatedProcessingTimeInSeconds":n} typed text/plain and keeps every heartbeat and result', async () => {
    handler = async (fields, response) => {
      goJson(response, { estimatedProcessingTimeInSeconds: 3600 });
      await postJson(fields.heartbeatWebhook!, { status: 'running' });
      await postJson(fields.resultWebhook!, { output: FACE });
      await postJson(fields.heartbeatWebhook!, { status: 'complete' });
    };
    const summary = await (await toolkit()).runChunk({
      chunk: { path: chunkPath },
      heartbeatTimeoutMs: 10_000,
    });
    expect(summary).toMatchObject({ status: 'complete', responseKind: 'async' });
    expect(summary.heartbeats).toHaveLength(2);
    expect(summary.outputs).toEqual([expect.objectContaining({ source: 'result-webhook', valid: true })]);
  });

  it.each([
    ['application/ttml+xml', '<tt xmlns="http://www.w3.org/ns/ttml"></tt>'],
    ['application/octet-stream', '{"series":[]}'],
    ['text/plain; charset=utf-8', 'just words'],
  ])('keeps %s with body %s as non-VTN output', async (contentType, body) => {
    handler = (_fields, response) => answer(response, 200, body, contentType);
    const summary = await (await toolkit()).runChunk({ chunk: { path: chunkPath } });
    expect(summary).toMatchObject({ status: 'complete', responseKind: 'non-vtn' });
    expect(summary.outputs[0]).toMatchObject({ valid: null, body });
  });
});

describe('only 200 and 204 end the /process calls, as in the Go toolkit', () => {
  it('retries a 202 and then takes the 200', async () => {
    handler = (_fields, response) =>
      calls === 1 ? answer(response, 202, '{"series":[]}', 'application/json') : goJson(response, FACE);
    const summary = await (await toolkit()).runChunk({ chunk: { path: chunkPath } });
    expect(summary.processCalls.map((call) => [call.status, call.kind])).toEqual([
      [202, 'failure'],
      [200, 'vtn'],
    ]);
    expect(summary.status).toBe('complete');
  });
});

describe('heartbeats are accepted as the real toolkit accepts them', () => {
  it('answers 204 to infoMsg objects, infoMs and unknown failure reasons, warning about each', async () => {
    const answers: number[] = [];
    handler = async (fields, response) => {
      goJson(response, { estimatedProcessingTimeInSeconds: 10 });
      for (const beat of [
        { status: 'running', infoMsg: { progress: 0.5, stage: 'decode' } },
        { status: 'running', infoMs: 'docs spelling', bytesRead: 'lots' },
        { status: 'sleeping' },
        { status: 'failed' },
        { status: 'failed', failureReason: 'gremlins', failureMsg: 'it broke' },
      ]) {
        answers.push((await postJson(fields.heartbeatWebhook!, beat)).status);
      }
    };
    const summary = await (await toolkit()).runChunk({
      chunk: { path: chunkPath },
      heartbeatTimeoutMs: 10_000,
    });
    await handled;
    expect(answers).toEqual([204, 204, 400, 400, 204]);
    expect(summary).toMatchObject({ status: 'failed', failureReason: 'unknown', failureMsg: 'it broke' });
    expect(summary.heartbeats.map((beat) => beat.accepted)).toEqual([true, true, false, false, true]);
    expect(summary.heartbeats[1]!.heartbeat).toMatchObject({ infoMsg: 'docs spelling' });
    expect(
      summary.warnings.filter((warning) => warning.code === 'heartbeat_off_contract').map((w) => w.index),
    ).toEqual([0, 1, 4]);
    expect(summary.validationIssues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'heartbeat', index: 0, path: '/infoMsg' }),
        expect.objectContaining({ source: 'heartbeat', index: 1, path: '/infoMs', code: 'docs_spelling' }),
      ]),
    );
  });
});

describe('invalid VTN output', () => {
  it('is a warning by default, and fails the chunk with strict', async () => {
    handler = (_fields, response) => goJson(response, { series: [{ startTimeMs: 'soon' }] });
    const kit = await toolkit();
    const lenient = await kit.runChunk({ chunk: { path: chunkPath } });
    expect(lenient).toMatchObject({ status: 'complete', invalidOutputs: 1, strict: false });
    expect(lenient.warnings.map((warning) => warning.code)).toContain('invalid_outputs');
    const strict = await kit.runChunk({ chunk: { path: chunkPath }, strict: true });
    expect(strict).toMatchObject({ status: 'failed', failureReason: 'invalid_data', invalidOutputs: 1 });
  });
});

describe('the /process form', () => {
  it('guesses image/tiff for .tif and .tiff, and reads the TIFF size', async () => {
    const tiff = join(workspace.dir, 'scan.TIFF');
    writeFileSync(tiff, minimalTiff(24, 18));
    let seen: Record<string, string> = {};
    handler = (fields, response) => {
      seen = fields;
      answer(response, 204, '');
    };
    await (await toolkit()).runChunk({ chunk: { path: tiff } });
    expect(seen).toMatchObject({ chunkMimeType: 'image/tiff', width: '24', height: '18' });
  });

  it.skipIf(!hasProgram('ffmpeg') || !hasProgram('ffprobe'))(
    'sends width/height of a video chunk read with ffprobe',
    async () => {
      const video = join(workspace.dir, 'clip.mp4');
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'color=c=blue:s=48x32:d=0.2',
        '-c:v',
        'mpeg4',
        '-y',
        video,
      ]);
      let seen: Record<string, string> = {};
      handler = (fields, response) => {
        seen = fields;
        answer(response, 204, '');
      };
      const summary = await (await toolkit()).runChunk({ chunk: { path: video } });
      expect(seen).toMatchObject({ chunkMimeType: 'video/mp4', width: '48', height: '32' });
      expect(summary.warnings).toEqual([]);
    },
  );

  it('says so when ffprobe is not installed', async () => {
    const video = join(workspace.dir, 'clip.webm');
    writeFileSync(video, Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    let seen: Record<string, string> = {};
    handler = (fields, response) => {
      seen = fields;
      answer(response, 204, '');
    };
    const summary = await (await toolkit({ ffprobePath: join(workspace.dir, 'no-such-ffprobe') })).runChunk({
      chunk: { path: video },
    });
    expect(seen.width).toBeUndefined();
    expect(summary.warnings).toEqual([expect.objectContaining({ code: 'ffprobe_missing', source: 'chunk' })]);
  });

  it('sends no redisETUrl by default and a chunkUUID on every chunk', async () => {
    let seen: Record<string, string> = {};
    handler = (fields, response) => {
      seen = fields;
      answer(response, 204, '');
    };
    const kit = await toolkit();
    await kit.runChunk({ chunk: { path: chunkPath }, chunkUUID: 'uuid-1' });
    expect(seen.chunkUUID).toBe('uuid-1');
    expect(seen.redisETUrl).toBeUndefined();
    expect(kit.redisEtUrl).toBeUndefined();
  });
});

/** A notification receiver: every POST with its URL, headers and raw bytes. */
async function notificationServer() {
  const received: { url: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
  const server = createServer(async (request, response) => {
    const parts: Buffer[] = [];
    for await (const part of request) parts.push(part as Buffer);
    received.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(parts) });
    response.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { received, uri: `http://127.0.0.1:${(server.address() as { port: number }).port}/notify` };
}

describe('multipart results and notifications', () => {
  it('keeps offsets, outputFolderID and chunk metadata, and notifies the file itself with x-aiware- headers', async () => {
    const notify = await notificationServer();
    const captions = Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n');
    let answers: number[] = [];
    handler = async (fields, response) => {
      goJson(response, { estimatedProcessingTimeInSeconds: 5 });
      const form = new FormData();
      form.append('multipart', 'true');
      form.append('chunkContext', fields.chunkContext!);
      form.append('startOffsetMs', '1000');
      form.append('endOffsetMs', '2000');
      form.append('outputFolderID', 'folder-7');
      form.append('chunk-metadata-x-aiware-result-kind', 'captions');
      form.append('file', new Blob([captions], { type: 'text/vtt' }), 'captions.vtt');
      const unflagged = new FormData();
      unflagged.append('file', new Blob(['raw'], { type: 'application/octet-stream' }), 'raw.bin');
      answers = [
        (await fetch(fields.resultWebhook!, { method: 'POST', body: form })).status,
        (await fetch(fields.resultWebhook!, { method: 'POST', body: unflagged })).status,
        (await postJson(fields.heartbeatWebhook!, { status: 'complete' })).status,
      ];
    };
    const summary = await (await toolkit()).runChunk({
      chunk: { path: chunkPath },
      notifyUris: [notify.uri],
      chunkMetadata: { 'x-aiware-task-tag': 't' },
      heartbeatTimeoutMs: 10_000,
    });
    await handled;
    expect(answers).toEqual([204, 204, 204]);
    expect(summary.outputs[0]).toMatchObject({
      contentType: 'text/vtt',
      startOffsetMs: 1000,
      endOffsetMs: 2000,
      outputFolderID: 'folder-7',
      chunkMetadata: { 'x-aiware-result-kind': 'captions' },
      valid: null,
    });
    expect(summary.warnings.filter((warning) => warning.source === 'result')).toEqual([
      expect.objectContaining({
        code: 'multipart_result_off_contract',
        message: expect.stringContaining('multipart is missing'),
      }),
    ]);
    expect(notify.received).toHaveLength(2);
    const vtt = notify.received.find((entry) => entry.headers['content-type'] === 'text/vtt')!;
    expect(vtt.body).toEqual(captions);
    expect(vtt.headers).toMatchObject({ 'x-aiware-result-kind': 'captions', 'x-aiware-task-tag': 't' });
  });

  it('sends no notification for a chunk that later fails, nor for an invalid output', async () => {
    const notify = await notificationServer();
    handler = async (fields, response) => {
      goJson(response, { estimatedProcessingTimeInSeconds: 5 });
      await postJson(fields.resultWebhook!, { output: FACE });
      await postJson(fields.heartbeatWebhook!, { status: 'failed', failureReason: 'internal_error' });
    };
    const kit = await toolkit();
    const failed = await kit.runChunk({
      chunk: { path: chunkPath },
      notifyUris: [notify.uri],
      heartbeatTimeoutMs: 10_000,
    });
    expect(failed.status).toBe('failed');
    expect(notify.received).toEqual([]);

    handler = async (fields, response) => {
      goJson(response, { estimatedProcessingTimeInSeconds: 5 });
      await postJson(fields.resultWebhook!, { output: { series: [{ startTimeMs: -1 }] } });
      await postJson(fields.resultWebhook!, { output: FACE });
      await postJson(fields.heartbeatWebhook!, { status: 'complete' });
    };
    const completed = await kit.runChunk({
      chunk: { path: chunkPath },
      notifyUris: [notify.uri],
      heartbeatTimeoutMs: 10_000,
    });
    expect(completed.status).toBe('complete');
    expect(completed.notifications).toEqual([expect.objectContaining({ outputIndex: 1, status: 200 })]);
    expect(JSON.parse(notify.received[0]!.body.toString())).toEqual(FACE);
  });
});

describe('externalCallbackWebhook', () => {
  it('takes heartbeats and results of a batch engine posted to /callback', async () => {
    let answers: number[] = [];
    handler = async (fields, response) => {
      goJson(response, { estimatedProcessingTimeInSeconds: 5 });
      const callback = fields.externalCallbackWebhook!;
      const form = new FormData();
      form.append('multipart', 'true');
      form.append('file', new Blob(['<tt/>'], { type: 'application/ttml+xml' }), 'out.ttml');
      answers = [
        (await postJson(callback, { status: 'running', infoMsg: 'batch started' })).status,
        (await postJson(callback, { output: FACE, chunkContext: fields.chunkContext })).status,
        (await fetch(callback, { method: 'POST', body: form })).status,
        (await postJson(callback, { hello: 'world' })).status,
        (await postJson(callback, { status: 'complete' })).status,
      ];
    };
    const summary: ToolkitSummary = await (await toolkit()).runChunk({
      chunk: { path: chunkPath },
      heartbeatTimeoutMs: 10_000,
    });
    await handled;
    expect(answers).toEqual([204, 204, 204, 400, 204]);
    expect(summary).toMatchObject({ status: 'complete', responseKind: 'async' });
    expect(summary.heartbeats.map((beat) => beat.via)).toEqual(['callback', 'callback']);
    expect(summary.outputs.map((output) => [output.source, output.contentType, output.valid])).toEqual([
      ['callback', 'application/json', true],
      ['callback', 'application/ttml+xml', null],
    ]);
    expect(summary.warnings.map((warning) => warning.code)).toEqual([
      'json_content_type',
      'unrecognised_callback',
    ]);
  });
});
