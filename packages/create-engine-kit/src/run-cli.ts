import { relative, resolve } from 'node:path';
import { parseCreateArgs, USAGE } from './args.ts';
import { createEngineProject } from './create.ts';
import { CreateEngineKitError } from './errors.ts';
import { detectPackageManager } from './options.ts';
import { askChoices, defaultChoices, missingChoices } from './prompt.ts';

declare const __CREATE_ENGINE_KIT_VERSION__: string | undefined;

export interface CliStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * The `create-engine-kit` command: returns its exit code (0 done, 1 failed, 2 usage error).
 * It asks only when stdin is a terminal and `--yes` is not given.
 */
export async function runCreateCli(argv: readonly string[], streams: CliStreams): Promise<number> {
  try {
    const args = parseCreateArgs(argv);
    if (args.help) {
      streams.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (args.version) {
      streams.stdout.write(
        `${typeof __CREATE_ENGINE_KIT_VERSION__ === 'string' ? __CREATE_ENGINE_KIT_VERSION__ : 'dev'}\n`,
      );
      return 0;
    }
    let choices = defaultChoices(args);
    if (!args.yes) {
      const missing = missingChoices(args);
      if (missing.length > 0 && !streams.stdin.isTTY) {
        throw new CreateEngineKitError(
          'usage',
          `no terminal to ask on: pass ${missing.join(', ')}, or --yes to take the defaults.\n\n${USAGE}`,
        );
      }
      if (missing.length > 0)
        choices = await askChoices(args, { input: streams.stdin, output: streams.stdout });
    }
    const packageManager = args.packageManager ?? detectPackageManager(streams.env.npm_config_user_agent);
    const directory = choices.directory;
    streams.stdout.write(`Creating a ${choices.kind} engine (VTN ${choices.vtn}) in ${directory}\n`);
    const created = await createEngineProject({
      directory: resolve(streams.cwd, directory),
      kind: choices.kind,
      vtn: choices.vtn,
      ...(args.name !== undefined ? { name: args.name } : {}),
      force: args.force,
      install: args.install,
      packageManager,
    });
    const where = relative(streams.cwd, created.directory) || '.';
    const cd = where === '.' ? '' : `cd ${where} && `;
    const steps = created.installed
      ? `  ${cd}${packageManager} test`
      : `  ${cd}${packageManager} install\n  ${packageManager} test`;
    streams.stdout.write(
      `Wrote ${created.files.length} files for ${created.name}.\n\nNext:\n${steps}      # runs the engine through the local Engine Toolkit\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof CreateEngineKitError) {
      streams.stderr.write(`create-engine-kit: ${error.message}\n`);
      return error.code === 'usage' || error.code === 'invalid_option' ? 2 : 1;
    }
    throw error;
  }
}
