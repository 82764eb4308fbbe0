import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileConsumer } from '../../../tooling/testing/consumer.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const esmSource = `
import { startCoreEmulator, type CoreEmulator, type Seed } from '@engine-kit/core-emulator';
const seed: Seed = { libraries: [{ name: 'People', entities: [{ name: 'Ada' }] }] };
const emulator: CoreEmulator = await startCoreEmulator({ seed, token: 't', latencyMs: 5, faultRate: 0.1 });
const url: string = emulator.graphqlUrl;
void url;
await emulator.close();
export {};
`;

const cjsSource = `
import ce = require('@engine-kit/core-emulator');
async function main(): Promise<void> {
  const emulator = await ce.startCoreEmulator({ port: 0 });
  const peak: number = emulator.stats().peakConcurrency;
  void peak;
  await emulator.close();
}
void main;
`;

describe('built declarations', () => {
  it('compile for an ESM and a CJS consumer', () => {
    const result = compileConsumer({
      packageName: '@engine-kit/core-emulator',
      packageDir,
      esmSource,
      cjsSource,
    });
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);
});
