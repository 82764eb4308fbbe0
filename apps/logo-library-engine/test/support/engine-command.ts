import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs `src/main.ts` with tsx and `tsconfig.source.json`, which maps `@engine-kit/*` to the
 * workspace sources: the engine child process runs against source, like the rest of the tests.
 */
export const ENGINE_COMMAND = [process.execPath, '--import', 'tsx', join(APP_DIR, 'src', 'main.ts')];

export const ENGINE_ENV = { ...process.env, TSX_TSCONFIG_PATH: join(APP_DIR, 'tsconfig.source.json') };

/** Engine log lines, kept for failure messages instead of flooding the test output. */
export function engineLog(): {
  lines: string[];
  collect: (stream: 'stdout' | 'stderr', data: Buffer) => void;
} {
  const lines: string[] = [];
  return { lines, collect: (_stream, data) => void lines.push(data.toString()) };
}
