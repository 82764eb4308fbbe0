import { type ContractIssue, issue, setOwn } from './common/issues.ts';

/** Environment variables the Engine Toolkit reads or passes on, as documented or seen in the toolkit. */
export const ENGINE_ENVIRONMENT_VARIABLES = [
  'VERITONE_WEBHOOK_READY',
  'VERITONE_WEBHOOK_PROCESS',
  'AIWARE_ENV_WHITE_LIST',
  'AIWARE_CONTROLLER',
  'AIWARE_REDIS_HOST',
  'AIWARE_REDIS_PORT',
  'VERITONE_TESTMODE',
  'VERITONE_DISABLE_CHUNK_DOWNLOAD',
  'VERITONE_CONCURRENT_TASKS',
  'END_IF_IDLE_SECS',
  'AIWARE_LOG_LEVEL',
  'ENGINE_ID',
  'ENGINE_INSTANCE_ID',
] as const;
export type EngineEnvironmentVariable = (typeof ENGINE_ENVIRONMENT_VARIABLES)[number];

export const DEFAULT_END_IF_IDLE_SECS = 60;
export const DEFAULT_CONCURRENT_TASKS = 1;
/** Port of the toolkit's test console, enabled by `VERITONE_TESTMODE=true`. */
export const TEST_CONSOLE_PORT = 9090;

export interface EngineEnvironment {
  /** Complete URL of the engine's ready webhook. */
  webhookReady: string | undefined;
  /** Complete URL of the engine's process webhook. */
  webhookProcess: string | undefined;
  /** `AIWARE_`-prefixed variables passed on to the engine (AIWARE_CONTROLLER always is). */
  envWhiteList: string[];
  controller: string | undefined;
  redisHost: string | undefined;
  redisPort: number | undefined;
  /** Both redis variables are set: the toolkit starts redisET and sends `redisETUrl`. */
  redisEnabled: boolean;
  testMode: boolean;
  /** Only `cacheURI` is given to `/process`, no chunk file. */
  disableChunkDownload: boolean;
  concurrentTasks: number;
  endIfIdleSecs: number;
  logLevel: string | undefined;
  engineId: string | undefined;
  engineInstanceId: string | undefined;
  /** Values that were set but unusable; their defaults were used instead. */
  issues: ContractIssue[];
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads the toolkit's variables with their defaults; never throws, bad values become `issues`. */
export function parseEngineEnvironment(env: Environment): EngineEnvironment {
  const issues: ContractIssue[] = [];
  const text = (name: EngineEnvironmentVariable) => nonEmpty(env[name]);
  const redisHost = text('AIWARE_REDIS_HOST');
  const redisPort = readInteger(env, 'AIWARE_REDIS_PORT', issues, { min: 1, max: 65_535 });
  return {
    webhookReady: text('VERITONE_WEBHOOK_READY'),
    webhookProcess: text('VERITONE_WEBHOOK_PROCESS'),
    envWhiteList: parseWhiteList(env.AIWARE_ENV_WHITE_LIST),
    controller: text('AIWARE_CONTROLLER'),
    redisHost,
    redisPort,
    redisEnabled: redisHost !== undefined && redisPort !== undefined,
    testMode: readBoolean(env, 'VERITONE_TESTMODE', issues),
    disableChunkDownload: readBoolean(env, 'VERITONE_DISABLE_CHUNK_DOWNLOAD', issues),
    concurrentTasks:
      readInteger(env, 'VERITONE_CONCURRENT_TASKS', issues, { min: 1 }) ?? DEFAULT_CONCURRENT_TASKS,
    endIfIdleSecs: readInteger(env, 'END_IF_IDLE_SECS', issues, { min: 0 }) ?? DEFAULT_END_IF_IDLE_SECS,
    logLevel: text('AIWARE_LOG_LEVEL'),
    engineId: text('ENGINE_ID'),
    engineInstanceId: text('ENGINE_INSTANCE_ID'),
    issues,
  };
}

/** The comma separated `AIWARE_ENV_WHITE_LIST`, trimmed, empty entries dropped. */
export function parseWhiteList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * The environment the toolkit passes to the engine process: everything, except `AIWARE_`-prefixed variables
 * that are not listed in `AIWARE_ENV_WHITE_LIST`. `AIWARE_CONTROLLER` is always passed. Unset values are dropped.
 */
export function filterEngineEnvironment(env: Environment): Record<string, string> {
  const allowed = new Set([...parseWhiteList(env.AIWARE_ENV_WHITE_LIST), 'AIWARE_CONTROLLER']);
  const passed: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name.startsWith('AIWARE_') && !allowed.has(name)) continue;
    setOwn(passed, name, value);
  }
  return passed;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

// The toolkit is written in Go; these are the spellings Go's strconv.ParseBool accepts.
const TRUE_VALUES = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE_VALUES = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

function readBoolean(env: Environment, name: EngineEnvironmentVariable, issues: ContractIssue[]): boolean {
  const value = nonEmpty(env[name])?.trim();
  if (value === undefined || FALSE_VALUES.has(value)) return false;
  if (TRUE_VALUES.has(value)) return true;
  issues.push(
    issue(`/${name}`, 'invalid_boolean', `${name} must be true or false, got "${value}"; using false`),
  );
  return false;
}

function readInteger(
  env: Environment,
  name: EngineEnvironmentVariable,
  issues: ContractIssue[],
  range: { min: number; max?: number },
): number | undefined {
  const value = nonEmpty(env[name])?.trim();
  if (value === undefined) return undefined;
  const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (Number.isSafeInteger(number) && number >= range.min && number <= max) return number;
  const bounds = range.max === undefined ? `>= ${range.min}` : `${range.min}..${range.max}`;
  issues.push(
    issue(`/${name}`, 'invalid_integer', `${name} must be a whole number ${bounds}, got "${value}"; ignored`),
  );
  return undefined;
}
