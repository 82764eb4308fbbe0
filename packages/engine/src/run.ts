import { createEngine, type Engine, type EngineDefinition, type ListenInfo } from './engine.ts';
import { createJsonLogger } from './logger.ts';

export interface RunEngineOptions {
  /** Signals that start a drain; default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  /** Ends the process when the drain is over; default `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * For an engine's `main.ts`: creates the engine, listens, and on SIGTERM (or SIGINT) drains
 * in-flight work, then exits 0 (1 when the drain timeout cut work short). A second signal
 * during the drain is left to Node's default handling, which ends the process at once.
 */
export async function runEngine(
  definition: EngineDefinition,
  options: RunEngineOptions = {},
): Promise<{ engine: Engine } & ListenInfo> {
  const logger = definition.logger ?? createJsonLogger();
  const engine = createEngine({ ...definition, logger });
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const info = await engine.listen();
  for (const signal of options.signals ?? (['SIGTERM', 'SIGINT'] as const)) {
    process.once(signal, () => {
      logger.info('signal received: draining', { signal });
      void engine.close().then(
        ({ drained }) => exit(drained ? 0 : 1),
        () => exit(1),
      );
    });
  }
  return { engine, ...info };
}
