export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface EngineLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * One JSON object per line on stderr (stdout stays free for the engine), at or above `level`;
 * the default level comes from `AIWARE_LOG_LEVEL`, else `info`.
 */
export function createJsonLogger(
  level: LogLevel = parseLogLevel(process.env.AIWARE_LOG_LEVEL),
  write: (line: string) => void = (line) => process.stderr.write(line),
): EngineLogger {
  const threshold = LEVELS.indexOf(level);
  const log = (at: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(at) < threshold) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: at, message, ...fields })}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function parseLogLevel(value: string | undefined): LogLevel {
  const lower = value?.toLowerCase();
  return LEVELS.find((level) => level === lower) ?? 'info';
}
