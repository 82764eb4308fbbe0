import { stat } from 'node:fs/promises';
import { filterEngineEnvironment } from '@engine-kit/contracts';
import type { ChunkTask, ToolkitEvent } from './chunk-run.ts';
import { ToolkitError } from './common/errors.ts';
import { findFreePort } from './common/ports.ts';
import { type EngineProcess, startEngineProcess } from './engine-process.ts';
import { waitForReady } from './ready.ts';
import { type KeyValueStore, redisSettingsFromEnv } from './redis-et/store.ts';
import type { ToolkitSummary } from './summary.ts';
import { startToolkit, type Toolkit } from './toolkit.ts';

export interface EngineLaunchOptions {
  /** The engine command, e.g. `['node', 'engine.js']`. */
  command: readonly string[];
  /** Port the engine is told to listen on (through the webhook variables); a free one by default. */
  enginePort?: number;
  readyPath?: string;
  processPath?: string;
  /** The toolkit's environment, passed to the engine through the `AIWARE_` white-list rule. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  readyTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL when the engine is stopped. */
  stopGraceMs?: number;
  onEngineOutput?: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  workDir?: string;
  /** redisET store; by default Redis when AIWARE_REDIS_HOST/PORT are set, else memory. */
  redisEt?: false | 'memory' | { host: string; port: number } | KeyValueStore;
  /** Stops waiting for ready (the engine is then stopped). */
  signal?: AbortSignal;
}

export interface RunProcessOptions extends EngineLaunchOptions, ChunkTask {
  onEvent?: (event: ToolkitEvent) => void;
}

export interface EngineSession {
  readonly engine: EngineProcess;
  readonly toolkit: Toolkit;
  readonly readyUrl: string;
  readonly processUrl: string;
  readonly readyMs: number;
  close(): Promise<void>;
}

/**
 * Starts the engine as a child process with `VERITONE_WEBHOOK_READY`/`_PROCESS` set, starts the
 * toolkit's servers and waits until the engine is ready. The engine is stopped if any step fails.
 */
export async function startEngineSession(options: EngineLaunchOptions): Promise<EngineSession> {
  const env = options.env ?? process.env;
  const enginePort = options.enginePort ?? (await findFreePort());
  const engineBase = `http://127.0.0.1:${enginePort}`;
  const readyUrl = engineBase + (options.readyPath ?? '/ready');
  const processUrl = engineBase + (options.processPath ?? '/process');
  const toolkit = await startToolkit({
    processUrl,
    ...(options.workDir ? { workDir: options.workDir } : {}),
    redisEt: options.redisEt ?? redisSettingsFromEnv(env) ?? 'memory',
  });
  let engine: EngineProcess | undefined;
  try {
    engine = await startEngineProcess({
      command: options.command,
      env: {
        ...filterEngineEnvironment(env),
        VERITONE_WEBHOOK_READY: readyUrl,
        VERITONE_WEBHOOK_PROCESS: processUrl,
      },
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.onEngineOutput ? { onOutput: options.onEngineOutput } : {}),
    });
    const started = Date.now();
    await waitForReady(readyUrl, {
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      engineExited: engine.exited,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const readyMs = Date.now() - started;
    const running = engine;
    return {
      engine: running,
      toolkit,
      readyUrl,
      processUrl,
      readyMs,
      async close() {
        await running.stop(options.stopGraceMs);
        await toolkit.close();
      },
    };
  } catch (error) {
    await engine?.stop(options.stopGraceMs);
    await toolkit.close();
    throw error;
  }
}

/**
 * Runs one chunk (or library task) through an engine exactly as the Engine Toolkit would, and
 * reports what happened. Never rejects for engine misbehaviour: that is in the summary. The
 * engine is always stopped before this resolves.
 */
export async function runProcess(options: RunProcessOptions): Promise<ToolkitSummary> {
  const startedAt = new Date();
  if (options.chunk) await assertChunkExists(options.chunk.path);
  let session: EngineSession;
  try {
    session = await startEngineSession(options);
  } catch (error) {
    if (!(error instanceof ToolkitError)) throw error;
    return startFailureSummary(options, error, startedAt);
  }
  try {
    const summary = await session.toolkit.runChunk(options, {
      engineExited: session.engine.exited,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const exitBeforeStop = session.engine.exit();
    await session.close();
    const exit = session.engine.exit();
    return {
      ...summary,
      engine: {
        command: [...options.command],
        pid: session.engine.pid,
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        crashed: exitBeforeStop !== undefined,
      },
      timings: {
        startedAt: startedAt.toISOString(),
        readyMs: session.readyMs,
        processMs: summary.timings.processMs,
        totalMs: Date.now() - startedAt.getTime(),
      },
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

async function assertChunkExists(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new ToolkitError('chunk_not_found', `chunk file not found: ${path}`);
}

/** The engine never became ready: the chunk fails with `system_error`, with the reason. */
function startFailureSummary(
  options: RunProcessOptions,
  error: ToolkitError,
  startedAt: Date,
): ToolkitSummary {
  if (error.code === 'usage' || error.code === 'chunk_not_found' || error.code === 'invalid_option')
    throw error;
  return {
    status: 'failed',
    failureReason: 'system_error',
    failureMsg: `${error.code}: ${error.message}`,
    mode: typeof options.payload?.mode === 'string' ? options.payload.mode : 'chunk',
    internalJobId: options.internalJobId ?? '',
    internalTaskId: options.internalTaskId ?? '',
    outputs: [],
    heartbeats: [],
    validationIssues: [],
    processCalls: [],
    notifications: [],
    fields: {},
    engine: { command: [...options.command], crashed: error.code === 'engine_exited' },
    timings: { startedAt: startedAt.toISOString(), processMs: 0, totalMs: Date.now() - startedAt.getTime() },
  };
}
