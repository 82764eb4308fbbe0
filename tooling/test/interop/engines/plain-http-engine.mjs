// A third-party async engine on plain node:http, written without engine-kit, the way engines in
// the wild are: its address comes only from VERITONE_WEBHOOK_READY/_PROCESS (0.0.0.0 in their
// Dockerfiles), its JSON goes out as text/plain (Go's default), heartbeats carry infoMsg objects,
// and results go to externalCallbackWebhook like a batch engine's.
import http from 'node:http';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the toolkit when it starts the engine, not a build input.
const ready = new URL(process.env.VERITONE_WEBHOOK_READY);
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the toolkit when it starts the engine, not a build input.
const processHook = new URL(process.env.VERITONE_WEBHOOK_PROCESS);

const postJson = (url, value) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(value) }).then(
    (response) => response.status,
  );

async function work(fields) {
  const answers = [];
  answers.push(
    await postJson(fields.heartbeatWebhook, {
      status: 'running',
      infoMsg: { stage: 'decode', progress: 0.1 },
    }),
  );
  const output = {
    series: [
      {
        startTimeMs: Number(fields.startOffsetMS || 0),
        stopTimeMs: Number(fields.endOffsetMS || 0) || 1000,
        object: {
          type: 'object',
          label: `${fields.width}x${fields.height}`,
          confidence: 0.75,
          boundingPoly: [
            { x: 0.1, y: 0.1 },
            { x: 0.9, y: 0.1 },
            { x: 0.9, y: 0.9 },
            { x: 0.1, y: 0.9 },
          ],
        },
      },
    ],
  };
  answers.push(await postJson(fields.externalCallbackWebhook, { chunkContext: fields.chunkContext, output }));
  answers.push(
    await postJson(fields.externalCallbackWebhook, {
      status: 'complete',
      infoMsg: { answers, stage: 'done' },
    }),
  );
}

http
  .createServer(async (request, response) => {
    const parts = [];
    for await (const part of request) parts.push(part);
    if (request.method === 'GET' && request.url === ready.pathname) {
      response.end('ok');
      return;
    }
    if (request.method === 'POST' && request.url === processHook.pathname) {
      const form = await new Response(Buffer.concat(parts), {
        headers: { 'content-type': request.headers['content-type'] },
      }).formData();
      const fields = {};
      for (const [name, value] of form) if (typeof value === 'string') fields[name] = value;
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${JSON.stringify({ estimatedProcessingTimeInSeconds: 60 })}\n`);
      work(fields).catch((error) => console.error('work failed', error));
      return;
    }
    response.statusCode = 404;
    response.end();
  })
  .listen(Number(processHook.port), processHook.hostname);
process.on('SIGTERM', () => process.exit(0));
