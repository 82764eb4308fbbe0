import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startToolkit, type Toolkit, type ToolkitEvent, type ToolkitSummary } from '../src/index.ts';
import { startAcknowledgingEngine, tempDir, writePng } from './helpers.ts';

/**
 * The test plays an async engine: it receives `/process`, then drives the toolkit's webhooks and
 * cacheURI itself while the chunk is running.
 */
let engine: Server;
let toolkit: Toolkit;
let fields: Record<string, string>;
let running: Promise<ToolkitSummary>;
let events: ToolkitEvent[];
let workspace: { dir: string; cleanup: () => void };
let chunkPath: string;

beforeEach(async () => {
  workspace = tempDir();
  chunkPath = writePng(workspace.dir, 40, 30);
  const acknowledging = await startAcknowledgingEngine();
  engine = acknowledging.server;
  toolkit = await startToolkit({
    processUrl: acknowledging.processUrl,
    workDir: join(workspace.dir, 'work'),
  });
  events = [];
  running = toolkit.runChunk(
    { chunk: { path: chunkPath }, internalJobId: 'j', internalTaskId: 't', heartbeatTimeoutMs: 5000 },
    { onEvent: (event) => events.push(event) },
  );
  fields = await acknowledging.fields;
});

afterEach(async () => {
  await fetch(fields.heartbeatWebhook!, { method: 'POST', body: '{"status":"complete"}' });
  await running;
  await toolkit.close();
  await new Promise((resolve) => engine.close(resolve));
  workspace.cleanup();
});

const postJson = (url: string, value: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });

describe('cacheURI', () => {
  it('serves the whole chunk with its type and Accept-Ranges', async () => {
    const response = await fetch(fields.cacheURI!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('serves byte ranges with 206, suffix ranges, and 416 past the end', async () => {
    const whole = Buffer.from(await (await fetch(fields.cacheURI!)).arrayBuffer());
    const middle = await fetch(fields.cacheURI!, { headers: { range: 'bytes=8-15' } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 8-15/${whole.length}`);
    expect(Buffer.from(await middle.arrayBuffer())).toEqual(whole.subarray(8, 16));
    const tail = await fetch(fields.cacheURI!, { headers: { range: 'bytes=-4' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(whole.length - 4));
    const beyond = await fetch(fields.cacheURI!, { headers: { range: `bytes=${whole.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${whole.length}`);
    const head = await fetch(fields.cacheURI!, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(whole.length));
  });
});

describe('result webhook', () => {
  it('answers 400 with issues to a result without output', async () => {
    const response = await postJson(fields.resultWebhook!, { chunkContext: 'c' });
    expect(response.status).toBe(400);
    expect((await response.json()).issues[0].path).toBe('/output');
    const summary = await completeAndWait();
    expect(summary.validationIssues).toEqual([
      expect.objectContaining({ source: 'result', path: '/output' }),
    ]);
  });

  it('accepts a result with invalid VTN output, reports it and warns (the chunk still completes)', async () => {
    expect(
      (await postJson(fields.resultWebhook!, { output: { series: [{ startTimeMs: 'x' }] } })).status,
    ).toBe(204);
    const summary = await completeAndWait();
    expect(summary).toMatchObject({ status: 'complete', invalidOutputs: 1 });
    expect(summary.warnings.map((warning) => warning.code)).toEqual(['invalid_output', 'invalid_outputs']);
    expect(summary.outputs[0]).toMatchObject({ valid: false, source: 'result-webhook' });
  });

  it('takes multipart results: each file is one non-VTN output', async () => {
    const form = new FormData();
    form.append('multipart', 'true');
    form.append('chunkContext', fields.chunkContext!);
    form.append('file', new Blob(['WEBVTT\n'], { type: 'text/vtt' }), 'captions.vtt');
    expect((await fetch(fields.resultWebhook!, { method: 'POST', body: form })).status).toBe(204);
    const summary = await completeAndWait();
    expect(summary.status).toBe('complete');
    expect(summary.outputs[0]).toMatchObject({
      contentType: 'text/vtt',
      valid: null,
      body: 'captions.vtt (7 bytes)',
    });
  });

  it('streams every heartbeat and output as events, ending with the summary', async () => {
    await postJson(fields.heartbeatWebhook!, { status: 'running' });
    await postJson(fields.resultWebhook!, { output: { series: [] } });
    const summary = await completeAndWait();
    expect(events.map((event) => event.type)).toEqual([
      'process-call',
      'heartbeat',
      'output',
      'heartbeat',
      'summary',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'summary', summary: { status: 'complete' } });
    expect(summary.heartbeats).toHaveLength(2);
  });

  it('answers 404 to webhooks of a task that is not running', async () => {
    const response = await postJson(fields.heartbeatWebhook!.replace(/\/t$/, '/other'), {
      status: 'running',
    });
    expect(response.status).toBe(404);
  });

  it('reports a failed heartbeat with its failureReason', async () => {
    await postJson(fields.heartbeatWebhook!, {
      status: 'failed',
      failureReason: 'url_not_found',
      failureMsg: 'gone',
    });
    const summary = await running;
    expect(summary).toMatchObject({ status: 'failed', failureReason: 'url_not_found', failureMsg: 'gone' });
  });
});

async function completeAndWait(): Promise<ToolkitSummary> {
  await postJson(fields.heartbeatWebhook!, { status: 'complete' });
  return running;
}
