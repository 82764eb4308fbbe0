export type ReadyState = 'ready' | 'not-ready' | 'shutdown' | 'unknown';

/**
 * What the toolkit does with an answer of `GET` ready: 200 starts work, 503 means poll again (about once a
 * second), 500 makes the toolkit shut down. Anything else is not part of the contract.
 */
export function classifyReadyStatus(status: number): ReadyState {
  if (status === 200) return 'ready';
  if (status === 503) return 'not-ready';
  if (status === 500) return 'shutdown';
  return 'unknown';
}
