import { join } from 'node:path';

export interface EngineCommand {
  command: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * Runs `<appDir>/src/main.ts` with tsx and `<appDir>/tsconfig.source.json`, which maps `@engine-kit/*`
 * to the workspace sources: the engine child process runs against source, like the rest of the tests.
 */
export function engineCommandFor(appDir: string): EngineCommand {
  return {
    command: [process.execPath, '--import', 'tsx', join(appDir, 'src', 'main.ts')],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(appDir, 'tsconfig.source.json') },
  };
}

export interface EngineLog {
  lines: string[];
  collect: (stream: 'stdout' | 'stderr', data: Buffer) => void;
}

/** Engine log lines, kept for failure messages instead of flooding the test output. */
export function engineLog(): EngineLog {
  const lines: string[] = [];
  return { lines, collect: (_stream, data) => void lines.push(data.toString()) };
}

export interface SourceEngineLaunch extends EngineCommand {
  cwd: string;
  readyTimeoutMs: number;
  onEngineOutput: EngineLog['collect'];
}

/**
 * Launch options (for the toolkit's `startEngineSession`) that run an app's engine from source;
 * the ready timeout is generous because tsx compiles the engine on first start.
 */
export function sourceEngineLaunch(appDir: string, log: EngineLog): SourceEngineLaunch {
  return { ...engineCommandFor(appDir), cwd: appDir, readyTimeoutMs: 50_000, onEngineOutput: log.collect };
}
