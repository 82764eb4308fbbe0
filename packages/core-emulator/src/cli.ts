import { CLI_USAGE, parseCliArgs } from './cli-args.ts';
import { startCoreEmulator } from './server.ts';

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${CLI_USAGE}\n`);
    return 0;
  }
  const emulator = await startCoreEmulator({
    ...parsed.options,
    onJob: (job) => {
      process.stdout.write(`${JSON.stringify({ event: 'job', id: job.id, tasks: job.tasks.length })}\n`);
    },
  });
  const libraries = [...emulator.store.libraries.values()].map((library) => ({
    id: library.id,
    name: library.name,
    entities: emulator.store.entitiesOf(library.id).length,
  }));
  const models = [...emulator.store.models.values()].map((model) => ({
    id: model.id,
    engineId: model.engineId,
    libraryId: model.libraryId,
  }));
  // One JSON line first: scripts and tests read the URL from it.
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', url: emulator.url, graphqlUrl: emulator.graphqlUrl, libraries, models })}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const code = (error as { code?: string }).code;
    process.stderr.write(
      `core-emulator: ${code ? `[${code}] ` : ''}${(error as Error).message ?? String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
