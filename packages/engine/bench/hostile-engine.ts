import { stat } from 'node:fs/promises';
import { createEngine, ignore } from '../src/index.ts';

/**
 * The engine under the hostile benchmark, in its own process: a chunk engine with small limits (so
 * oversize requests are cheap to send), chunk files in HOSTILE_TMP_DIR, and a handler that hangs when
 * the payload asks for it (to exercise the task timeout).
 */
const engine = createEngine({
  host: '127.0.0.1',
  port: 0,
  env: { NODE_ENV: 'production' },
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  concurrency: 4,
  maxQueued: 8,
  tmpDir: process.env.HOSTILE_TMP_DIR,
  taskTimeoutMs: 30_000,
  input: { connectTimeoutMs: 500, idleTimeoutMs: 500, totalTimeoutMs: 2_000 },
  limits: {
    fieldSize: 4 * 1024,
    fields: 64,
    fileSize: 64 * 1024,
    bodySize: 256 * 1024,
    headersTimeoutMs: 2_000,
    requestTimeoutMs: 5_000,
    bodyIdleTimeoutMs: 1_000,
  },
  process: async (request, context) => {
    const payload = request.payload as { hang?: boolean; read?: boolean };
    if (payload.hang) return new Promise<never>(() => undefined);
    if (payload.read) for await (const _piece of context.openInput());
    if (!request.chunk) return ignore();
    const { size } = await stat(request.chunk);
    return {
      series: [{ startTimeMs: 0, stopTimeMs: 1000, object: { type: 'object', label: `bytes:${size}` } }],
    };
  },
});
const { processUrl } = await engine.listen();
process.stdout.write(`LISTENING ${processUrl}\n`);
process.on('SIGTERM', () => void engine.close({ timeoutMs: 2_000 }).then(() => process.exit(0)));
