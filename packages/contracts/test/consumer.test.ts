import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileConsumer } from '../../../tooling/testing/consumer.ts';
import { packageDir } from './helpers.ts';

// Needs `dist`: the root `pnpm test` builds first; alone, run `pnpm --filter @engine-kit/contracts... build`.
describe('built package', () => {
  it('compiles an ESM and a CJS consumer against the built declarations', () => {
    const body = `
const fields = processRequestToFields({ internalJobId: 'ij', internalTaskId: 'it', width: 640 });
const parsed = parseProcessRequest(fields);
if (parsed.success) {
  const request: ProcessRequest = parsed.data;
  const width: number | undefined = request.width;
  const metadata: Record<string, string> = request.chunkMetadata;
  if (request.payload.mode === 'library-run') {
    const modelId: string = request.payload.libraryEngineModelId;
    void modelId;
  }
  void width;
  void metadata;
} else {
  const issues: ContractIssue[] = parsed.issues;
  void issues;
}
const heartbeat: Heartbeat = buildHeartbeat({ status: 'failed', failureReason: 'url_timeout' });
// @ts-expect-error a failed heartbeat needs a failureReason
buildHeartbeat({ status: 'failed' });
const reason: FailureReason = failureReasonFromError(new Error('x'));
const outcome = classifyProcessResponse(200, 'application/json', '{}');
if (outcome.kind === 'async') {
  const seconds: number = outcome.estimatedProcessingTimeInSeconds;
  void seconds;
}
const ready: 'ready' | 'not-ready' | 'shutdown' | 'unknown' = classifyReadyStatus(503);
const client = new RedisEtClient({ url: 'http://127.0.0.1:1', internalTaskId: 'it' });
const value: Promise<string | undefined> = client.get('k');
const manifest = validateManifest({});
void heartbeat; void reason; void ready; void value; void manifest; void FAILURE_REASONS;
`;
    const names =
      'FAILURE_REASONS, buildHeartbeat, classifyProcessResponse, classifyReadyStatus, failureReasonFromError, parseProcessRequest, processRequestToFields, RedisEtClient, validateManifest';
    const types = 'ContractIssue, FailureReason, Heartbeat, ProcessRequest';
    const result = compileConsumer({
      packageName: '@engine-kit/contracts',
      packageDir,
      esmSource: `import { ${names} } from '@engine-kit/contracts';\nimport type { ${types} } from '@engine-kit/contracts';\n${body}`,
      cjsSource: `import { ${names} } from '@engine-kit/contracts';\nimport type { ${types} } from '@engine-kit/contracts';\n${body}\nexport {};`,
    });
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 180_000);

  it('loads from ESM and CJS with the same exports as the source', async () => {
    const source = Object.keys(await import('../src/index.ts')).sort();
    const script = `
      const esm = await import(${JSON.stringify(join(packageDir, 'dist', 'index.js'))});
      const { createRequire } = await import('node:module');
      const cjs = createRequire(import.meta.url)(${JSON.stringify(join(packageDir, 'dist', 'index.cjs'))});
      const keys = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort();
      console.log(JSON.stringify({ esm: keys(esm), cjs: keys(cjs), ready: cjs.classifyReadyStatus(200) }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    const loaded = JSON.parse(output) as { esm: string[]; cjs: string[]; ready: string };
    expect(loaded.esm).toEqual(source);
    expect(loaded.cjs).toEqual(source);
    expect(loaded.ready).toBe('ready');
  }, 60_000);
});
