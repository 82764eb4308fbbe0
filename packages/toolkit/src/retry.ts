/** How `/process` is retried (protocol notes: 3 calls in total, 100 ms doubling, capped at 1 s). */
export interface RetryPolicy {
  /** Total number of calls, the first one included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 1000,
});

/** Delay before call number `attempt + 1`, where `attempt` (1-based) is the call that just failed. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
}
