import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The two variables a Veritone sample Dockerfile sets, on 0.0.0.0 as those Dockerfiles write them. */
export function webhookEnv(port: number, host = '0.0.0.0'): Record<string, string> {
  return {
    VERITONE_WEBHOOK_READY: `http://${host}:${port}/ready`,
    VERITONE_WEBHOOK_PROCESS: `http://${host}:${port}/process`,
  };
}

export interface RunningEngine {
  child: ChildProcess;
  processUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts an engine the way the Go toolkit does (its own process, the webhook variables set) and
 * polls ready once every 100 ms, bounded by `readyTimeoutMs`.
 */
export async function startEngine(
  command: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; readyTimeoutMs?: number } = {},
): Promise<RunningEngine> {
  const port = await freePort();
  const [file, ...args] = command;
  const child = spawn(file!, args, {
    env: { ...process.env, ...options.env, ...webhookEnv(port) },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr!.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 3000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline && child.exitCode === null) {
    const status = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) })
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200)
      return { child, processUrl: `http://127.0.0.1:${port}/process`, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`engine ${command.join(' ')} was not ready:\n${output}`);
}

/** Serves files at `/media/<name>` with 200 (Go downloads `cacheURI` and wants exactly 200). */
export async function startMediaServer(
  files: Record<string, string>,
): Promise<{ url: (name: string) => string; close: () => Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const name = decodeURIComponent((request.url ?? '').replace(/^\/media\//, ''));
    const path = Object.hasOwn(files, name) ? files[name] : undefined;
    if (!path) {
      response.statusCode = 404;
      response.end();
      return;
    }
    const bytes = await readFile(path);
    response.writeHead(200, { 'content-length': bytes.length });
    response.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (name) => `http://127.0.0.1:${port}/media/${encodeURIComponent(name)}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
