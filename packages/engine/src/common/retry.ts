export interface RetryPolicy {
  /** Calls in total, the first included. */
  attempts: number;
  /** Wait before the second call; doubles each time up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-call timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  timeoutMs: 10_000,
});

export function backoffDelay(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
}
