import { describe, expect, it } from 'vitest';
import { compileConsumer } from '../../../tooling/testing/consumer.ts';
import { packageDir } from './helpers.ts';

// Compiles against the built declarations (`pnpm --filter @engine-kit/toolkit... build` first).
const usage = `
const summary: ToolkitSummary = await runProcess({
  command: ['node', 'engine.js'],
  chunk: { path: 'frame.png', mimeType: 'image/png' },
  payload: { threshold: 0.5 },
  maxTtlSeconds: 30,
  notifyUris: ['http://127.0.0.1:1/notify'],
  onEvent: (event: ToolkitEvent) => void event.type,
});
const code: number = exitCodeForSummary(summary);
const reason: string | undefined = summary.failureReason;
const toolkit: Toolkit = await startToolkit({ processUrl: 'http://127.0.0.1:8080/process', redisEt: new MemoryKeyValueStore() });
const url: string = toolkit.url;
await toolkit.close();
void [code, reason, url, DEFAULT_RETRY_POLICY.maxAttempts, parseRangeHeader('bytes=0-1', 10).kind];
`;

describe('consumers of the built package', () => {
  it('compile as ESM and as CJS against the .d.ts files', { timeout: 120_000 }, () => {
    const result = compileConsumer({
      packageName: '@engine-kit/toolkit',
      packageDir,
      esmSource: `import { runProcess, startToolkit, exitCodeForSummary, MemoryKeyValueStore, DEFAULT_RETRY_POLICY, parseRangeHeader, type ToolkitSummary, type ToolkitEvent, type Toolkit } from '@engine-kit/toolkit';
${usage}`,
      cjsSource: `import { runProcess, startToolkit, exitCodeForSummary, MemoryKeyValueStore, DEFAULT_RETRY_POLICY, parseRangeHeader, type ToolkitSummary, type ToolkitEvent, type Toolkit } from '@engine-kit/toolkit';
async function main() {
${usage}
}
void main;
`,
    });
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });
});
