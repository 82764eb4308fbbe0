import { afterEach, describe, expect, it } from 'vitest';
import { baseRequest, get, postProcess } from './helpers/client.ts';
import { type EngineProcess, startEngineProcess } from './helpers/engine-process.ts';
import { expectEventually } from './helpers/eventually.ts';
import { startReceiver, type WebhookReceiver } from './helpers/receiver.ts';

describe('SIGTERM on an engine process', () => {
  let engine: EngineProcess | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    engine?.kill();
    await receiver?.close();
  });

  it('finishes the in-flight request, refuses new work with 503, then exits 0', async () => {
    engine = await startEngineProcess('engine');
    await expectEventually(async () => expect((await get(engine!.readyUrl)).status).toBe(200), 15_000);
    const slow = postProcess(
      engine.processUrl,
      baseRequest({ payload: { behaviour: 'slow', delayMs: 1_500 } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    engine.child.kill('SIGTERM');
    await expectEventually(() => expect(engine!.stderr()).toContain('draining'));

    const ready = await get(engine.readyUrl);
    expect(ready.status).toBe(503);
    expect(ready.text).toMatch(/^shutting_down: /);
    const refused = await postProcess(engine.processUrl, baseRequest());
    expect(refused.status).toBe(503);
    expect(refused.text).toMatch(/^shutting_down: /);

    const answered = await slow;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text).series).toHaveLength(1);
    expect(await engine.exited).toBe(0);
  });

  it('waits for an acknowledged stream task to send its final heartbeat before exiting', async () => {
    receiver = await startReceiver();
    engine = await startEngineProcess('engine', { ENGINE_MODE: 'stream' });
    await expectEventually(async () => expect((await get(engine!.readyUrl)).status).toBe(200), 15_000);
    const reply = await postProcess(
      engine.processUrl,
      baseRequest({
        payload: { behaviour: 'slow', delayMs: 1_200 },
        heartbeatWebhook: receiver.heartbeatUrl,
        resultWebhook: receiver.resultUrl,
      }),
    );
    expect(reply.status).toBe(200);
    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(0);
    expect(receiver.heartbeats.at(-1)?.body).toMatchObject({ status: 'complete', messagesWritten: 1 });
    expect(receiver.results).toHaveLength(1);
  });

  it('exits 1 when in-flight work outlasts the drain timeout', async () => {
    engine = await startEngineProcess('engine', { DRAIN_TIMEOUT_MS: '300' });
    await expectEventually(async () => expect((await get(engine!.readyUrl)).status).toBe(200), 15_000);
    const slow = postProcess(
      engine.processUrl,
      baseRequest({ payload: { behaviour: 'slow', delayMs: 5_000 } }),
    ).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(1);
    await slow;
  });
});
