import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type RetryPolicy } from './common/retry.ts';
import { redactUrl } from '@engine-kit/contracts';
import { EngineError } from './errors.ts';

/** Statuses worth another try: the receiver may be restarting or overloaded. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export interface PostOutcome {
  status: number;
  attempts: number;
  bytes: number;
}

/**
 * POSTs JSON to a toolkit webhook, retrying network errors and 408/429/5xx with doubling backoff.
 * A 4xx other than those is final: the receiver refused the message and would refuse it again.
 * @throws {EngineError} `webhook_failed`, with the last status (if any) and a `failureReason`.
 */
export async function postJson(
  url: string,
  body: unknown,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<PostOutcome> {
  const text = JSON.stringify(body);
  const bytes = Buffer.byteLength(text);
  let lastError: unknown;
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(policy, attempt - 2));
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(policy.timeoutMs)])
          : AbortSignal.timeout(policy.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { status: response.status, attempts: attempt, bytes };
      lastStatus = response.status;
      lastError = undefined;
      if (!isRetryableStatus(response.status)) break;
    } catch (error) {
      lastError = error;
      lastStatus = undefined;
      if (signal?.aborted) break;
    }
  }
  const what = lastStatus === undefined ? `network error: ${describe(lastError)}` : `HTTP ${lastStatus}`;
  throw new EngineError('webhook_failed', `POST ${redactUrl(url)} failed (${what}) after retries`, {
    status: lastStatus ?? 502,
    failureReason: lastStatus === undefined ? 'url_error' : 'external_error',
    cause: lastError,
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error.cause as { code?: string } | undefined)?.code;
    return cause ? `${error.message} (${cause})` : error.message;
  }
  return String(error);
}
