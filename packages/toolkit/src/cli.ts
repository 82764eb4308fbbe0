import { readFileSync } from 'node:fs';
import { type CliCommand, parseCli, USAGE } from './cli-args.ts';
import { ToolkitError } from './common/errors.ts';
import { startConsole } from './console/console-server.ts';
import { runProcess, startEngineSession } from './run-process.ts';
import { exitCodeForSummary } from './summary.ts';

const USAGE_EXIT_CODE = 2;

async function main(argv: string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, process.env);
  } catch (error) {
    return usageError(error);
  }
  switch (command.name) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'version':
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    case 'console':
      return runConsole(command);
    default:
      return runOnce(command);
  }
}

async function runOnce(command: Extract<CliCommand, { name: 'process' | 'train' | 'run' }>): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const summary = await runProcess({ ...command.launch, ...command.task, signal: controller.signal });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return exitCodeForSummary(summary);
  } catch (error) {
    return usageError(error);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function runConsole(command: Extract<CliCommand, { name: 'console' }>): Promise<number> {
  let session: Awaited<ReturnType<typeof startEngineSession>>;
  try {
    session = await startEngineSession(command.launch);
  } catch (error) {
    return usageError(error);
  }
  let testConsole: Awaited<ReturnType<typeof startConsole>>;
  try {
    testConsole = await startConsole({
      session,
      port: command.port,
      host: command.host,
      defaults: command.task,
    });
  } catch (error) {
    await session.close();
    const where = `${command.host}:${command.port}`;
    process.stderr.write(
      `engine-toolkit: cannot serve the console on ${where}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  process.stderr.write(`engine-toolkit: test console at ${testConsole.url}/ (Ctrl-C to stop)\n`);
  const reason = await Promise.race([
    new Promise<string>((resolve) => process.once('SIGINT', () => resolve('interrupted'))),
    new Promise<string>((resolve) => process.once('SIGTERM', () => resolve('terminated'))),
    session.engine.exited.then(() => 'engine exited'),
  ]);
  process.stderr.write(`engine-toolkit: stopping (${reason})\n`);
  await testConsole.close();
  await session.close();
  return reason === 'engine exited' ? 1 : 0;
}

function usageError(error: unknown): number {
  if (error instanceof ToolkitError) {
    process.stderr.write(`engine-toolkit: ${error.code}: ${error.message}\n`);
    if (error.code === 'usage') process.stderr.write(`\n${USAGE}\n`);
    return error.code === 'usage' ? USAGE_EXIT_CODE : 1;
  }
  process.stderr.write(`engine-toolkit: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
