import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const testDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface EngineProcess {
  child: ChildProcess;
  url: string;
  readyUrl: string;
  processUrl: string;
  stderr(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(): void;
}

/**
 * Runs `test/fixtures/<name>.ts` as a real engine process (`node --import tsx`). Workspace packages
 * resolve to their sources through the fixtures' tsconfig paths, so no build is needed.
 */
export async function startEngineProcess(
  name: string,
  env: Record<string, string> = {},
): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(testDir, 'fixtures', `${name}.ts`)], {
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: join(testDir, 'fixtures', 'tsconfig.json'),
      VERITONE_WEBHOOK_READY: 'http://127.0.0.1:0/readyz',
      VERITONE_WEBHOOK_PROCESS: 'http://127.0.0.1:0/process',
      AIWARE_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (piece: Buffer) => {
    stderr += piece.toString('utf8');
  });
  const exited = new Promise<number | string>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit(code ?? signal ?? -1));
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`engine ${name} did not start:\n${stderr}`)), 30_000);
    child.stdout?.on('data', (piece: Buffer) => {
      stdout += piece.toString('utf8');
      const match = /LISTENING (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`engine ${name} exited (${code}) before listening:\n${stderr}`));
    });
  });
  return {
    child,
    url,
    readyUrl: `${url}/readyz`,
    processUrl: `${url}/process`,
    stderr: () => stderr,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
