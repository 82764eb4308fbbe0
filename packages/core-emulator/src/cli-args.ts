import { parseArgs } from 'node:util';
import type { CoreEmulatorOptions } from './server.ts';

export type CliParseResult =
  | { ok: true; help: boolean; options: CoreEmulatorOptions }
  | { ok: false; message: string };

export const CLI_USAGE = `Usage: core-emulator [options]

A local aiWARE core: library GraphQL API at /v3/graphql, identifier media and model files at /media/.

Options:
  --port N              port on 127.0.0.1 (default 4000; 0 picks a free port)
  --host H              address to listen on (default 127.0.0.1)
  --seed PATH           seed JSON file, or folder (seed.json, or <entity-name>/*.png sub-folders)
  --identifier-type ID  identifierTypeId of seeded media (default face)
  --engine-id ID        give each seeded library a pending library engine model of this engine
  --data-dir DIR        persist the store in DIR (default: in memory)
  --token T             require "Authorization: Bearer T"
  --latency-ms N        delay every GraphQL request by N ms
  --fault-rate R        answer a share R (0..1) of requests with 502/503/504
  --throttle-rate R     answer a share R (0..1) of requests with 429 + Retry-After
  --rate-limit N/MS     at most N requests per MS milliseconds, then 429
  --retry-after S       Retry-After seconds of injected 429s (default 1)
  --random-seed N       seed of the fault RNG (default 1)
  --no-train-on-publish do not start library-train jobs when a library is published
  --public-url URL      origin put into media URLs (default: the bound address; never the Host header)
  --max-query-depth N   deepest field nesting of a query (default 12)
  --max-query-cost N    most objects a query may resolve, estimated before execution (default 250000)
  --max-list-limit N    largest limit argument (default 1000)
  --max-body-bytes N    largest JSON body or multipart text field (default 16777216)
  --max-upload-bytes N  largest uploaded file, streamed to disk (default 1073741824)
  --help                show this help`;

/** Parses CLI arguments into emulator options; never throws. */
export function parseCliArgs(argv: string[]): CliParseResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'identifier-type': { type: 'string' },
        'engine-id': { type: 'string' },
        'data-dir': { type: 'string' },
        token: { type: 'string' },
        'latency-ms': { type: 'string' },
        'fault-rate': { type: 'string' },
        'throttle-rate': { type: 'string' },
        'rate-limit': { type: 'string' },
        'retry-after': { type: 'string' },
        'random-seed': { type: 'string' },
        'no-train-on-publish': { type: 'boolean' },
        'public-url': { type: 'string' },
        'max-query-depth': { type: 'string' },
        'max-query-cost': { type: 'string' },
        'max-list-limit': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'max-upload-bytes': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    return { ok: false, message: `${(error as Error).message}\n\n${CLI_USAGE}` };
  }
  const options: CoreEmulatorOptions = { port: 4000 };
  const problems: string[] = [];
  const number = (flag: string, min: number, max = Number.POSITIVE_INFINITY): number | undefined => {
    const raw = values[flag];
    if (typeof raw !== 'string') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      problems.push(`--${flag} must be a number between ${min} and ${max} (got "${raw}").`);
      return undefined;
    }
    return value;
  };
  const port = number('port', 0, 65535);
  if (port !== undefined) options.port = port;
  const text = (flag: string) => (typeof values[flag] === 'string' ? (values[flag] as string) : undefined);
  assign(options, 'host', text('host'));
  assign(options, 'seed', text('seed'));
  assign(options, 'identifierTypeId', text('identifier-type'));
  assign(options, 'engineId', text('engine-id'));
  assign(options, 'dataDir', text('data-dir'));
  assign(options, 'token', text('token'));
  assign(options, 'latencyMs', number('latency-ms', 0));
  assign(options, 'faultRate', number('fault-rate', 0, 1));
  assign(options, 'throttleRate', number('throttle-rate', 0, 1));
  assign(options, 'retryAfterSeconds', number('retry-after', 0));
  assign(options, 'randomSeed', number('random-seed', 0));
  if (values['no-train-on-publish'] === true) options.trainOnPublish = false;
  assign(options, 'publicUrl', text('public-url'));
  const whole = (flag: string) => {
    const value = number(flag, 1);
    if (value !== undefined && !Number.isInteger(value)) {
      problems.push(`--${flag} must be a whole number (got "${String(values[flag])}").`);
      return undefined;
    }
    return value;
  };
  assign(options, 'maxQueryDepth', whole('max-query-depth'));
  assign(options, 'maxQueryCost', whole('max-query-cost'));
  assign(options, 'maxListLimit', whole('max-list-limit'));
  assign(options, 'maxBodyBytes', whole('max-body-bytes'));
  assign(options, 'maxUploadBytes', whole('max-upload-bytes'));
  const rateLimit = text('rate-limit');
  if (rateLimit !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(rateLimit);
    if (match && Number(match[1]) >= 1 && Number(match[2]) >= 1) {
      options.rateLimit = { requests: Number(match[1]), windowMs: Number(match[2]) };
    } else {
      problems.push(`--rate-limit must look like 100/1000 (requests/milliseconds), got "${rateLimit}".`);
    }
  }
  if (problems.length > 0) return { ok: false, message: `${problems.join('\n')}\n\n${CLI_USAGE}` };
  return { ok: true, help: values.help === true, options };
}

function assign<K extends keyof CoreEmulatorOptions>(
  options: CoreEmulatorOptions,
  key: K,
  value: CoreEmulatorOptions[K] | undefined,
): void {
  if (value !== undefined) options[key] = value;
}
