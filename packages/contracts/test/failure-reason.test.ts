import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FAILURE_REASON_DESCRIPTIONS,
  FAILURE_REASONS,
  failureReasonFromError,
  reasonForHttpStatus,
  TASK_FAILURE_REASONS,
  TaskFailureReasonSchema,
} from '../src/index.ts';

describe('failure reason values', () => {
  it('lists the 20 documented heartbeat values, and the task enum adds chunk_timeout', () => {
    expect(FAILURE_REASONS).toHaveLength(20);
    expect(new Set(FAILURE_REASONS).size).toBe(20);
    expect(TASK_FAILURE_REASONS).toEqual([...FAILURE_REASONS, 'chunk_timeout']);
    expect(TaskFailureReasonSchema.safeParse('chunk_timeout').success).toBe(true);
  });

  it('describes every value in one line', () => {
    expect(Object.keys(FAILURE_REASON_DESCRIPTIONS).sort()).toEqual([...TASK_FAILURE_REASONS].sort());
    for (const description of Object.values(FAILURE_REASON_DESCRIPTIONS))
      expect(description).not.toMatch(/\n/);
  });
});

describe('failureReasonFromError with real network failures', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it('maps a refused connection (fetch error with cause ECONNREFUSED) to url_connection_refused', async () => {
    const url = await listen(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const error = await fetch(url).catch((caught: unknown) => caught);
    expect(failureReasonFromError(error)).toBe('url_connection_refused');
  });

  it('maps an AbortSignal timeout to url_timeout', async () => {
    const url = await listen(() => undefined);
    const error = await fetch(url, { signal: AbortSignal.timeout(50) }).catch((caught: unknown) => caught);
    expect(failureReasonFromError(error)).toBe('url_timeout');
  });
});

describe('failureReasonFromError with error shapes', () => {
  const errno = (code: string, extra: object = {}) => Object.assign(new Error(code), { code }, extra);

  it.each([
    [errno('ECONNREFUSED'), 'url_connection_refused'],
    [errno('ETIMEDOUT'), 'url_timeout'],
    [errno('ENOTFOUND'), 'url_not_found'],
    [errno('EAI_AGAIN'), 'url_not_found'],
    [errno('ECONNRESET'), 'url_error'],
    [errno('ENOSPC'), 'file_write_error'],
    [errno('ENOMEM'), 'system_error'],
    [errno('ENOENT', { syscall: 'spawn ffmpeg' }), 'system_dependency_missing'],
    [new TypeError('fetch failed', { cause: errno('ENOTFOUND') }), 'url_not_found'],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'url_timeout'],
    [new SyntaxError('Unexpected token'), 'invalid_data'],
    [Object.assign(new Error('typed'), { failureReason: 'api_not_found' }), 'api_not_found'],
    [new Error('plain bug'), 'internal_error'],
    ['a string', 'unknown'],
    [null, 'unknown'],
  ])('maps %o to %s', (error, reason) => {
    expect(failureReasonFromError(error)).toBe(reason);
  });

  it.each([
    [401, 'api_authentication_error', 'url_not_allowed'],
    [403, 'api_not_allowed', 'url_not_allowed'],
    [404, 'api_not_found', 'url_not_found'],
    [429, 'rate_limited', 'rate_limited'],
    [500, 'api_error', 'url_error'],
    [503, 'api_error', 'url_error'],
    [504, 'url_timeout', 'url_timeout'],
    [422, 'invalid_data', 'invalid_data'],
  ] as const)('maps HTTP %i to %s for the API and %s for a URL', (status, api, url) => {
    expect(failureReasonFromError(Object.assign(new Error('http'), { status }))).toBe(api);
    expect(failureReasonFromError({ response: { status } }, { target: 'url' })).toBe(url);
    expect(reasonForHttpStatus(status, 'url')).toBe(url);
  });

  it('survives hostile objects (throwing getters, cause cycles)', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    const cyclic: { cause?: unknown } = {};
    cyclic.cause = cyclic;
    expect(failureReasonFromError(hostile)).toBe('unknown');
    expect(failureReasonFromError(cyclic)).toBe('unknown');
  });
});
