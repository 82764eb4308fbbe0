import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startConsole } from '../src/console/console-server.ts';
import { startEngineSession } from '../src/run-process.ts';
import { fixture, tempDir } from './helpers.ts';
import { makeTestVideo } from './media-support.ts';

let workspace: { dir: string; cleanup: () => void };
beforeEach(() => {
  workspace = tempDir('toolkit-media-console-');
});
afterEach(() => workspace.cleanup());

/** Reads server-sent events until `until` says stop (or the time runs out). */
async function collectEvents(url: string, until: (type: string) => boolean, signal: AbortSignal) {
  const response = await fetch(url, { signal });
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(part, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (type && data) {
        events.push({ type, data: JSON.parse(data) });
        if (until(type)) return events;
      }
      end = buffer.indexOf('\n\n');
    }
  }
  return events;
}

describe('test console media mode', () => {
  it('runs an uploaded video on the console session, streams the chunk timeline and serves each frame', async () => {
    const video = await makeTestVideo(join(workspace.dir, 'v.mp4'), { seconds: 3, width: 96, height: 54 });
    const session = await startEngineSession({
      command: fixture('media-engine.mjs'),
      env: { PATH: process.env.PATH },
    });
    const testConsole = await startConsole({ session, port: 0 });
    const stop = new AbortController();
    try {
      const received = collectEvents(
        `${testConsole.url}/api/events`,
        (type) => type === 'media-summary',
        stop.signal,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const form = new FormData();
      form.append('media', await openAsBlob(video, { type: 'video/mp4' }), 'v.mp4');
      form.append('fps', '2');
      form.append('concurrency', '2');
      const response = await fetch(`${testConsole.url}/api/media`, { method: 'POST', body: form });
      expect(response.status).toBe(200);
      const summary = await response.json();
      expect(summary).toMatchObject({
        status: 'complete',
        plan: { kind: 'frames' },
        counts: { chunks: 6, complete: 6 },
      });
      const events = await received;
      const media = events
        .filter((event) => event.type === 'media')
        .map((event) => event.data.event as { type: string; index?: number; startOffsetMs?: number });
      expect(media[0]).toMatchObject({ type: 'planned' });
      expect(
        media
          .filter((event) => event.type === 'chunk-start')
          .map((event) => event.startOffsetMs)
          .sort((a, b) => a! - b!),
      ).toEqual([0, 500, 1000, 1500, 2000, 2500]);
      expect(media.filter((event) => event.type === 'chunk-done')).toHaveLength(6);
      const frame = await fetch(`${testConsole.url}/api/media-frame?index=3`);
      expect(frame.status).toBe(200);
      expect(frame.headers.get('content-type')).toBe('image/png');
      expect(
        Buffer.from(await frame.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
      expect((await fetch(`${testConsole.url}/api/media-frame?index=../../etc/passwd`)).status).toBe(404);
      const empty = await fetch(`${testConsole.url}/api/media`, { method: 'POST', body: new FormData() });
      expect(empty.status).toBe(400);
      for (const payload of ['[1]', '{not json', '"text"']) {
        const badPayload = new FormData();
        badPayload.append('media', await openAsBlob(video, { type: 'video/mp4' }), 'v.mp4');
        badPayload.append('payload', payload);
        const refused = await fetch(`${testConsole.url}/api/media`, { method: 'POST', body: badPayload });
        expect(refused.status).toBe(400);
        expect(await refused.json()).toEqual({
          error: 'payload must be a JSON object',
          code: 'invalid_field',
        });
      }
    } finally {
      stop.abort();
      await testConsole.close();
      await session.close();
    }
  }, 120_000);
});
