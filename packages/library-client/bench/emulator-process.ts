import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CoreEmulatorStats } from '@engine-kit/core-emulator';

export interface EmulatorProcess {
  graphqlUrl: string;
  stats(): Promise<CoreEmulatorStats>;
  resetStats(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs the core emulator CLI in its own process, so its GraphQL work and memory do not share the
 * benchmark's event loop and heap.
 */
export async function startEmulatorProcess(args: string[]): Promise<EmulatorProcess> {
  const packageJson = createRequire(import.meta.url).resolve('@engine-kit/core-emulator/package.json');
  const launcher = join(dirname(packageJson), 'bin', 'core-emulator.js');
  const child: ChildProcess = spawn(process.execPath, [launcher, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`core-emulator exited with ${code} before listening`)));
  });
  const { url, graphqlUrl } = JSON.parse(line) as { url: string; graphqlUrl: string };
  return {
    graphqlUrl,
    stats: async () => (await (await fetch(`${url}/_emulator/stats`)).json()) as CoreEmulatorStats,
    resetStats: async () => {
      await fetch(`${url}/_emulator/stats`, { method: 'DELETE' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
