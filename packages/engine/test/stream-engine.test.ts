import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baseRequest, postProcess } from './helpers/client.ts';
import { type EngineProcess, startEngineProcess } from './helpers/engine-process.ts';
import { startInputServer } from './helpers/input-server.ts';
import { startReceiver, type WebhookReceiver } from './helpers/receiver.ts';

describe('a stream engine process written with createEngine', () => {
  let engine: EngineProcess;
  let receiver: WebhookReceiver;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    engine = await startEngineProcess('engine', { ENGINE_MODE: 'stream' });
  });
  afterAll(() => engine?.kill());

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  async function receiverFor(): Promise<WebhookReceiver> {
    receiver = await startReceiver();
    closers.push(receiver.close);
    return receiver;
  }

  it('acknowledges at once with maxTTL, heartbeats every second, posts each result, then completes', async () => {
    const hooks = await receiverFor();
    const input = await startInputServer(3, 1000, 800);
    closers.push(input.close);
    const started = Date.now();
    const reply = await postProcess(
      engine.processUrl,
      baseRequest({
        payload: { behaviour: 'stream' },
        cacheURI: input.url,
        maxTTL: 600,
        chunkContext: 'ctx-7',
        heartbeatWebhook: hooks.heartbeatUrl,
        resultWebhook: hooks.resultUrl,
      }),
    );
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ estimatedProcessingTimeInSeconds: 600 });
    // Acknowledged long before the 2.4 s of input could have been read.
    expect(Date.now() - started).toBeLessThan(2_000);

    const complete = await hooks.waitForHeartbeat('complete');
    expect(complete.body).toMatchObject({ status: 'complete', bytesRead: 3000, messagesWritten: 3 });
    expect(hooks.results.map((result) => result.body)).toEqual(
      [1, 2, 3].map((n) => ({
        chunkContext: 'ctx-7',
        startOffsetMs: n * 1000,
        endOffsetMs: n * 1000 + 1000,
        output: {
          series: [{ startTimeMs: n * 1000, stopTimeMs: n * 1000 + 1000, words: [{ word: `p${n}` }] }],
        },
      })),
    );
    const running = hooks.heartbeats.filter((heartbeat) => heartbeat.body.status === 'running');
    expect(running.length).toBeGreaterThanOrEqual(2);
    const times = [started, ...running.map((heartbeat) => heartbeat.at), complete.at];
    const gaps = times.slice(1).map((time, index) => time - times[index]!);
    // One heartbeat a second; the margin absorbs timer delays on a busy 2-core machine.
    expect(Math.max(...gaps)).toBeLessThan(1_800);
    expect(running.at(-1)?.body.infoMsg).toBe('read 1000 bytes');
    expect((running.at(-1)?.body.bytesRead as number) ?? 0).toBeGreaterThan(0);
  });

  it('retries a result the receiver answers 503 to, and still delivers it once', async () => {
    const hooks = await receiverFor();
    hooks.failNextResults(2, 503);
    const input = await startInputServer(1, 10, 0);
    closers.push(input.close);
    const reply = await postProcess(
      engine.processUrl,
      baseRequest({
        payload: { behaviour: 'stream' },
        cacheURI: input.url,
        heartbeatWebhook: hooks.heartbeatUrl,
        resultWebhook: hooks.resultUrl,
      }),
    );
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ estimatedProcessingTimeInSeconds: 3600 });
    const complete = await hooks.waitForHeartbeat('complete');
    expect(hooks.results).toHaveLength(1);
    expect(complete.body.messagesWritten).toBe(1);
  });

  it('ends with a failed heartbeat carrying the failureReason of the thrown error', async () => {
    const hooks = await receiverFor();
    const reply = await postProcess(
      engine.processUrl,
      baseRequest({
        payload: { behaviour: 'stream-fail', delayMs: 1_200 },
        heartbeatWebhook: hooks.heartbeatUrl,
        resultWebhook: hooks.resultUrl,
      }),
    );
    expect(reply.status).toBe(200);
    const failed = await hooks.waitForHeartbeat('failed');
    expect(failed.body).toMatchObject({
      status: 'failed',
      failureReason: 'url_connection_refused',
      failureMsg: 'connect ECONNREFUSED 10.0.0.1:443',
    });
    expect(hooks.heartbeats.some((heartbeat) => heartbeat.body.status === 'running')).toBe(true);
    expect(hooks.heartbeats.filter((heartbeat) => heartbeat.body.status !== 'running')).toHaveLength(1);
  });

  it('fails with url_not_found when the cacheURI answers 404', async () => {
    const hooks = await receiverFor();
    const reply = await postProcess(
      engine.processUrl,
      baseRequest({
        payload: { behaviour: 'stream' },
        cacheURI: `${hooks.url}/missing`,
        heartbeatWebhook: hooks.heartbeatUrl,
        resultWebhook: hooks.resultUrl,
      }),
    );
    expect(reply.status).toBe(200);
    const failed = await hooks.waitForHeartbeat('failed');
    expect(failed.body.failureReason).toBe('url_not_found');
  });
});
