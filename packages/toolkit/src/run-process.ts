import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { filterEngineEnvironment } from '@engine-kit/contracts';
import type { ChunkTask, ToolkitEvent } from './chunk-run.ts';
import { ToolkitError } from './common/errors.ts';
import { findFreePort } from './common/ports.ts';
import { type EngineProcess, startEngineProcess } from './engine-process.ts';
import { waitForReady } from './ready.ts';
import { warmUpOutputValidation } from './protocol.ts';
import { type KeyValueStore, redisSettingsFromEnv } from './redis-et/store.ts';
import type { ToolkitSummary } from './summary.ts';
import { startToolkit, type Toolkit } from './toolkit.ts';

export interface EngineLaunchOptions {
  /** The engine command, e.g. `['node', 'engine.js']`. */
  command: readonly string[];
  /**
   * Port the engine is told to listen on (through the webhook variables). By default the
   * `VERITONE_WEBHOOK_READY`/`VERITONE_WEBHOOK_PROCESS` of `env` when set, else a free port.
   */
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
  /**
   * redisET store. By default Redis when `AIWARE_REDIS_HOST`/`AIWARE_REDIS_PORT` are set and no
   * redisET at all otherwise, as the seed offers it; `'memory'` is the explicit opt-in to an
   * in-memory store with the same behaviour.
   */
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
  /** `environment` when the webhooks came from `VERITONE_WEBHOOK_*`, `generated` otherwise. */
  readonly webhookSource: 'environment' | 'generated';
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
  const webhooks = await resolveEngineWebhooks(options, env);
  const { readyUrl, processUrl } = webhooks;
  const toolkit = await startToolkit({
    processUrl,
    ...(options.workDir ? { workDir: options.workDir } : {}),
    redisEt: options.redisEt ?? redisSettingsFromEnv(env) ?? false,
    // The seed: with AIWARE_CONTROLLER exposed, every chunk carries an edge token. There is no edge
    // here, so the token is a local stand-in (redacted in summaries like any token).
    ...(env.AIWARE_CONTROLLER?.trim() ? { controllerToken: `emulated-edge-token-${randomUUID()}` } : {}),
  });
  let engine: EngineProcess | undefined;
  try {
    engine = await startEngineProcess({
      command: options.command,
      env: { ...filterEngineEnvironment(env), ...webhooks.engineEnv },
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.onEngineOutput ? { onOutput: options.onEngineOutput } : {}),
    });
    const started = Date.now();
    // While the engine boots, compile the output validators, so the first chunk does not pay for it.
    warmUpOutputValidation();
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
      webhookSource: webhooks.source,
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
        readyUrl: session.readyUrl,
        processUrl: session.processUrl,
        webhookSource: session.webhookSource,
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

export interface EngineWebhooks {
  /** The URLs the toolkit calls. */
  readyUrl: string;
  processUrl: string;
  /** What the engine is given: the environment's own text when it came from there. */
  engineEnv: { VERITONE_WEBHOOK_READY: string; VERITONE_WEBHOOK_PROCESS: string };
  source: 'environment' | 'generated';
}

/**
 * Veritone's sample engines hard-code their port and declare it only in `VERITONE_WEBHOOK_READY`/
 * `_PROCESS` (often on `0.0.0.0`), so those variables win when set, exactly as the real toolkit
 * reads them; explicit options (`--engine-port`, `--ready-path`, `--process-path`) win over them.
 * A free port is picked only when neither says where the engine listens.
 */
export async function resolveEngineWebhooks(
  options: Pick<EngineLaunchOptions, 'enginePort' | 'readyPath' | 'processPath'>,
  env: NodeJS.ProcessEnv,
): Promise<EngineWebhooks> {
  const explicit =
    options.enginePort !== undefined || options.readyPath !== undefined || options.processPath !== undefined;
  const fromEnv = {
    ready: env.VERITONE_WEBHOOK_READY?.trim() || undefined,
    process: env.VERITONE_WEBHOOK_PROCESS?.trim() || undefined,
  };
  if (!explicit && (fromEnv.ready || fromEnv.process)) {
    const ready = fromEnv.ready ?? siblingWebhook(fromEnv.process!, '/ready');
    const processText = fromEnv.process ?? siblingWebhook(fromEnv.ready!, '/process');
    return {
      readyUrl: callableWebhookUrl(ready, 'VERITONE_WEBHOOK_READY'),
      processUrl: callableWebhookUrl(processText, 'VERITONE_WEBHOOK_PROCESS'),
      engineEnv: { VERITONE_WEBHOOK_READY: ready, VERITONE_WEBHOOK_PROCESS: processText },
      source: 'environment',
    };
  }
  const enginePort = options.enginePort ?? (await findFreePort());
  const engineBase = `http://127.0.0.1:${enginePort}`;
  const readyUrl = engineBase + (options.readyPath ?? '/ready');
  const processUrl = engineBase + (options.processPath ?? '/process');
  return {
    readyUrl,
    processUrl,
    engineEnv: { VERITONE_WEBHOOK_READY: readyUrl, VERITONE_WEBHOOK_PROCESS: processUrl },
    source: 'generated',
  };
}

/** The one variable that is set names the engine's origin; the other gets the default path there. */
function siblingWebhook(text: string, path: string): string {
  try {
    return new URL(path, text).href;
  } catch {
    return text;
  }
}

/** A wildcard listen address cannot be called: `0.0.0.0` is called as `127.0.0.1`, `[::]` as `[::1]`. */
export function callableWebhookUrl(text: string, variable: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ToolkitError('invalid_option', `${variable} is not a URL: "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ToolkitError('invalid_option', `${variable} must be an http(s) URL, got "${url.protocol}"`);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  else if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.href;
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
    invalidOutputs: 0,
    strict: options.strict === true,
    warnings: [],
    processCalls: [],
    notifications: [],
    fields: {},
    engine: { command: [...options.command], crashed: error.code === 'engine_exited' },
    timings: { startedAt: startedAt.toISOString(), processMs: 0, totalMs: Date.now() - startedAt.getTime() },
  };
}
