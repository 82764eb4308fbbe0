import type { EngineLogger } from '../../src/index.ts';

export const silentLogger: EngineLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that keeps every line, for tests about what the engine reports. */
export function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> | undefined }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  const logger: EngineLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}
