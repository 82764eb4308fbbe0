import { classifyReadyStatus } from '@engine-kit/contracts';
import { ToolkitError } from './common/errors.ts';
import type { EngineExit } from './engine-process.ts';

export interface WaitForReadyOptions {
  timeoutMs?: number;
  /** Stops waiting when the engine process exits before it became ready. */
  engineExited?: Promise<EngineExit>;
  signal?: AbortSignal;
}

/** Poll delays: quick at start (engines often come up in milliseconds), then about once a second. */
export function readyPollDelayMs(attempt: number): number {
  return Math.min(1000, 50 * 2 ** attempt);
}

/**
 * Polls the engine's ready webhook until it answers 200. Connection errors and 503 mean
 * "not yet"; 500 means the engine asks to be shut down.
 */
export async function waitForReady(
  readyUrl: string,
  options: WaitForReadyOptions = {},
): Promise<{ polls: number }> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let exit: EngineExit | undefined;
  options.engineExited?.then((value) => {
    exit = value;
  });
  let lastState = 'no answer';
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted)
      throw new ToolkitError('aborted', 'waiting for the engine to be ready was aborted');
    if (exit) throw engineExitedError(exit, 'before it became ready');
    const status = await pollOnce(readyUrl, Math.max(1, Math.min(5000, deadline - Date.now())));
    if (status !== undefined) {
      const state = classifyReadyStatus(status);
      if (state === 'ready') return { polls: attempt + 1 };
      if (state === 'shutdown') {
        throw new ToolkitError(
          'ready_shutdown',
          `the engine answered ${status} on ${readyUrl}, which asks the toolkit to shut down`,
        );
      }
      lastState = `HTTP ${status}`;
    }
    if (Date.now() >= deadline) {
      throw new ToolkitError(
        'ready_timeout',
        `the engine was not ready at ${readyUrl} in time (last answer: ${lastState})`,
      );
    }
    await delay(
      Math.min(readyPollDelayMs(attempt), Math.max(0, deadline - Date.now())),
      options.engineExited,
    );
  }
}

export function engineExitedError(exit: EngineExit, when: string): ToolkitError {
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  return new ToolkitError('engine_exited', `the engine process exited ${when} (${how})`);
}

async function pollOnce(url: string, timeoutMs: number): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

function delay(ms: number, interrupt?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    interrupt?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
