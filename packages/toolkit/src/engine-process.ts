import { type ChildProcess, spawn } from 'node:child_process';
import { ToolkitError } from './common/errors.ts';

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartEngineOptions {
  /** The engine command and its arguments, e.g. `['node', 'index.js']`. */
  command: readonly string[];
  env: Record<string, string>;
  cwd?: string;
  /** Receives the engine's stdout/stderr; defaults to our stderr, so our stdout stays pure JSON. */
  onOutput?: (stream: 'stdout' | 'stderr', data: Buffer) => void;
}

export interface EngineProcess {
  readonly pid: number;
  /** Resolves when the engine process has exited, for whatever reason. */
  readonly exited: Promise<EngineExit>;
  /** The exit, once it happened. */
  exit(): EngineExit | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<EngineExit>;
}

/**
 * Starts the engine in its own process group, so `stop` also reaches processes the engine
 * started itself (`npm start`, shell wrappers).
 */
export async function startEngineProcess(options: StartEngineOptions): Promise<EngineProcess> {
  const [file, ...args] = options.command;
  if (!file)
    throw new ToolkitError('usage', 'no engine command given: put it after `--`, e.g. `-- node engine.js`');
  const child = spawn(file, args, {
    env: options.env,
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForSpawn(child, file);
  const onOutput = options.onOutput ?? ((_stream, data) => process.stderr.write(data));
  child.stdout?.on('data', (data: Buffer) => onOutput('stdout', data));
  child.stderr?.on('data', (data: Buffer) => onOutput('stderr', data));

  let exit: EngineExit | undefined;
  const exited = new Promise<EngineExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  const pid = child.pid!;
  return {
    pid,
    exited,
    exit: () => exit,
    stop: (graceMs = 3000) => stopProcessGroup(pid, exited, () => exit !== undefined, graceMs),
  };
}

function waitForSpawn(child: ChildProcess, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (error) =>
      reject(
        new ToolkitError('engine_start_failed', `cannot start engine command "${file}": ${error.message}`, {
          cause: error,
        }),
      ),
    );
  });
}

async function stopProcessGroup(
  pid: number,
  exited: Promise<EngineExit>,
  hasExited: () => boolean,
  graceMs: number,
): Promise<EngineExit> {
  if (!hasExited()) signalGroup(pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      signalGroup(pid, 'SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([exited, killed]);
  clearTimeout(timer);
  const exit = await exited;
  // The leader may exit on SIGTERM while children it started linger; they get no grace.
  signalGroup(pid, 'SIGKILL');
  return exit;
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
