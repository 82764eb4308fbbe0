import { createInterface } from 'node:readline/promises';
import type { CreateArgs } from './args.ts';
import { CreateEngineKitError } from './errors.ts';
import {
  DEFAULT_DIRECTORY,
  DEFAULT_KIND,
  DEFAULT_VTN,
  ENGINE_KINDS,
  type EngineKind,
  KIND_DESCRIPTIONS,
  VTN_VERSIONS,
  type VtnVersion,
} from './options.ts';

export interface Choices {
  directory: string;
  kind: EngineKind;
  vtn: VtnVersion;
}

export interface PromptStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** The choices the flags leave open, taking the defaults (`--yes`): nothing is asked. */
export function defaultChoices(args: CreateArgs): Choices {
  return {
    directory: args.directory ?? DEFAULT_DIRECTORY,
    kind: args.kind ?? DEFAULT_KIND,
    vtn: args.vtn ?? DEFAULT_VTN,
  };
}

/** The flags that are missing, for the error a non-interactive run without `--yes` gets. */
export function missingChoices(args: CreateArgs): string[] {
  return [
    ...(args.directory === undefined ? ['DIR'] : []),
    ...(args.kind === undefined ? ['--kind'] : []),
    ...(args.vtn === undefined ? ['--vtn'] : []),
  ];
}

/**
 * Asks for each choice the flags leave open, one line each; an empty answer takes the default
 * shown in brackets, an answer may be the option's number or its name, and a wrong answer is
 * asked again (at most 5 times, so a script piping the wrong thing cannot loop forever).
 */
export async function askChoices(args: CreateArgs, streams: PromptStreams): Promise<Choices> {
  const lines = createInterface({ input: streams.input, output: streams.output, terminal: false });
  const pending: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let closed = false;
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else pending.push(line);
  });
  lines.on('close', () => {
    closed = true;
    for (const next of waiting.splice(0)) next(undefined);
  });
  const question = (text: string) =>
    new Promise<string | undefined>((settle) => {
      streams.output.write(text);
      const line = pending.shift();
      if (line !== undefined) settle(line);
      else if (closed) settle(undefined);
      else waiting.push(settle);
    });
  const ask = async <T extends string>(
    label: string,
    options: readonly T[],
    fallback: T,
    describe?: (o: T) => string,
  ) => {
    const menu = options
      .map((option, index) => `  ${index + 1}. ${describe ? describe(option) : option}\n`)
      .join('');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const answer = await question(`${label}\n${menu}[${fallback}] `);
      if (answer === undefined) break;
      const trimmed = answer.trim();
      if (trimmed === '') return fallback;
      const byNumber = options[Number(trimmed) - 1];
      if (/^[0-9]+$/.test(trimmed) && byNumber) return byNumber;
      const byName = options.find((option) => option === trimmed.toLowerCase());
      if (byName) return byName;
      streams.output.write(`"${trimmed}" is not one of ${options.join(', ')}.\n`);
    }
    throw new CreateEngineKitError(
      'usage',
      `no answer for ${label.toLowerCase()}: pass it as a flag, or --yes for the defaults.`,
    );
  };
  try {
    let directory = args.directory;
    if (directory === undefined) {
      const answer = await question(`Project folder [${DEFAULT_DIRECTORY}] `);
      if (answer === undefined)
        throw new CreateEngineKitError('usage', 'no project folder given: pass DIR, or --yes.');
      directory = answer.trim() || DEFAULT_DIRECTORY;
    }
    const kind =
      args.kind ?? (await ask('Engine kind', ENGINE_KINDS, DEFAULT_KIND, (k) => KIND_DESCRIPTIONS[k]));
    const vtn = args.vtn ?? (await ask('VTN standard version of the output', VTN_VERSIONS, DEFAULT_VTN));
    return { directory, kind, vtn };
  } finally {
    lines.close();
  }
}
