import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileConsumer } from '../../../tooling/testing/consumer.ts';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const consumer = `
import { createEngine, ignore, EngineError, type ProcessContext, type LoadedModel } from '@engine-kit/engine';

const engine = createEngine({
  mode: 'chunk',
  concurrency: 2,
  limits: { fileSize: 1024 },
  ready: async () => undefined,
  process: async (request, context: ProcessContext) => {
    const chunkPath: string | undefined = request.chunk;
    if (!chunkPath) return ignore();
    if (request.width === 0) throw new EngineError('handler_failed', 'empty image', { status: 422, failureReason: 'invalid_data' });
    await context.acknowledge(request.maxTTL);
    context.setInfo('working');
    await context.emitResult({ series: [] }, { startOffsetMs: 0, endOffsetMs: 1000 });
    return undefined;
  },
  train: async ({ entities }) => {
    let count = 0;
    for await (const entity of entities) count += entity.identifiers.length;
    return { jsondata: { count } };
  },
  run: ({ model }: { model: LoadedModel }) => ({ series: [], generatedDateUTC: String(model.jsondata?.x) }),
});
const listening: Promise<{ url: string; port: number }> = engine.listen();
void listening;

// Typed outputs: what is not a VTN document does not compile (each line below must be an error).
createEngine({
  // @ts-expect-error: startTimeMs must be a number
  process: () => ({ series: [{ startTimeMs: 'soon', stopTimeMs: 1 }] }),
});
createEngine({
  // @ts-expect-error: series must be an array
  process: async () => ({ series: 'none' }),
});
createEngine({
  process: async (_request, context) => {
    // @ts-expect-error: emitResult takes a VTN document
    await context.emitResult({ object: [{ type: 'face', confidence: 'high' }] });
    return undefined;
  },
});
`;

describe('a consumer of the built package', () => {
  it('compiles as ESM and as CJS against the built declarations', () => {
    const result = compileConsumer({
      packageName: '@engine-kit/engine',
      packageDir,
      esmSource: consumer,
      cjsSource: consumer,
    });
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);
});
