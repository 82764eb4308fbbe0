import { readFileSync } from 'node:fs';
import { type CliCommand, commandUsage, parseCli, USAGE } from './cli-args.ts';
import { ToolkitError } from './common/errors.ts';
import { startConsole } from './console/console-server.ts';
import { fetchLibraryModel } from './library-model.ts';
import { MediaError } from './media/errors.ts';
import { type MediaEvent, runMedia } from './media/run-media.ts';
import { formatDuration, formatProgressBar, ProgressReporter, progressEnabled } from './progress.ts';
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
      process.stdout.write(`${command.topic ? commandUsage(command.topic) : USAGE}\n`);
      return 0;
    case 'version':
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    case 'console':
      return runConsole(command);
    default:
      return command.media ? runMediaCommand({ ...command, media: command.media }) : runOnce(command);
  }
}

type OnceCommand = Extract<CliCommand, { progress: unknown }>;
type MediaCommand = OnceCommand & { media: NonNullable<OnceCommand['media']> };

/**
 * What `process`, `train`, `run` and `process --media` share: Ctrl-C or SIGTERM cancels the run
 * (which then still prints its summary), the progress reporter when enabled, and a usage error
 * for what the run refuses.
 */
async function interruptible(
  command: OnceCommand,
  run: (signal: AbortSignal, progress: ProgressReporter | undefined) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const progress = progressEnabled(command.progress, process.stderr)
    ? new ProgressReporter(process.stderr)
    : undefined;
  try {
    return await run(controller.signal, progress);
  } catch (error) {
    return usageError(error);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function runOnce(command: OnceCommand): Promise<number> {
  return interruptible(command, async (signal, progress) => {
    progress?.status(`starting ${command.launch.command.join(' ')} and waiting for its ready webhook…`);
    let ready = false;
    const result = await runProcess({
      ...command.launch,
      ...command.task,
      signal,
      ...(progress
        ? {
            onEvent: (event) => {
              if (!ready) {
                ready = true;
                progress.line('engine ready; /process sent');
              }
              progress.event(event);
            },
          }
        : {}),
    });
    const summary =
      command.name === 'process' ? result : { ...result, model: await libraryModel(command.task) };
    progress?.done(
      `${summary.status}${summary.failureReason ? ` (${summary.failureReason}: ${summary.failureMsg ?? ''})` : ''} in ${formatDuration(summary.timings.totalMs)}`,
    );
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    // Warnings never change the exit code (unless --strict); stderr makes them hard to miss.
    for (const warning of summary.warnings)
      process.stderr.write(`engine-toolkit: warning: ${warning.message}\n`);
    return exitCodeForSummary(summary);
  });
}

/** train/run: the model as the core has it after the task, so nobody has to query GraphQL. */
async function libraryModel(task: OnceCommand['task']) {
  if (!task.veritoneApiBaseUrl || !task.token || !task.libraryEngineModelId) return undefined;
  return fetchLibraryModel(task.veritoneApiBaseUrl, task.token, task.libraryEngineModelId);
}

function runMediaCommand(command: MediaCommand): Promise<number> {
  const { media } = command;
  return interruptible(command, async (signal, progress) => {
    const { chunk: _chunk, ...task } = command.task;
    const summary = await runMedia({
      ...command.launch,
      signal,
      media: media.path,
      ...(media.manifestPath ? { manifestPath: media.manifestPath } : {}),
      plan: media.plan,
      ...(media.concurrency !== undefined ? { concurrency: media.concurrency } : {}),
      failFast: media.failFast,
      mergeConsecutive: media.mergeConsecutive,
      ...(media.outPath ? { outPath: media.outPath } : {}),
      task,
      ...(progress ? { onMediaEvent: mediaEventReporter(progress, process.stderr.isTTY === true) } : {}),
    });
    progress?.done(
      `${summary.status}${summary.failureReason ? ` (${summary.failureReason}: ${summary.failureMsg ?? ''})` : ''}: ${summary.counts.chunks} chunks, ${summary.counts.failed} failed, ${summary.counts.seriesItems ?? 0} series items, in ${formatDuration(summary.timings.totalMs)}`,
    );
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (summary.errorCode === 'ffmpeg_missing' || summary.errorCode === 'invalid_data')
      process.stderr.write(`engine-toolkit: ${summary.errorCode}: ${summary.failureMsg}\n`);
    for (const warning of summary.warnings) process.stderr.write(`engine-toolkit: warning: ${warning}\n`);
    return exitCodeForSummary(summary);
  });
}

/** Plain (non-TTY) progress lines are throttled: one a second, plus the last. */
const PLAIN_PROGRESS_INTERVAL_MS = 1000;

function mediaEventReporter(progress: ProgressReporter, tty: boolean) {
  let lastBar = 0;
  return (event: MediaEvent) => {
    if (event.type === 'chunk-done' && event.chunk.status !== 'failed' && !tty) {
      const now = Date.now();
      if (event.done < event.total && now - lastBar < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastBar = now;
    }
    reportMediaEvent(progress, event);
  };
}

function reportMediaEvent(progress: ProgressReporter, event: MediaEvent) {
  switch (event.type) {
    case 'planned': {
      const { plan } = event;
      const detail =
        plan.kind === 'frames'
          ? `frames every ${Math.round(plan.intervalMs)} ms as ${plan.frameFormat}`
          : plan.kind === 'segments'
            ? `${plan.segmentMs} ms ${plan.segmentFormat} segments`
            : plan.kind === 'whole'
              ? 'the whole file as one chunk'
              : 'one chunk per image';
      progress.line(
        `plan: ${detail}, about ${plan.expectedChunks} chunks, concurrency ${event.concurrency} (${plan.reasons.join('; ')})`,
      );
      progress.status('starting the engine and waiting for its ready webhook…');
      return;
    }
    case 'ready':
      progress.line(`engine ready after ${event.readyMs} ms`);
      return;
    case 'chunk-start':
      return;
    case 'chunk-event':
      // Per-chunk calls would flood the screen; failures, retries and issues are what matter.
      if (
        event.event.type === 'process-call' &&
        (event.event.call.kind === 'failure' || event.event.call.kind === 'no-response')
      )
        progress.event(event.event, `chunk ${event.index}: `);
      else if (event.event.type === 'heartbeat') progress.event(event.event, `chunk ${event.index}: `);
      return;
    case 'chunk-done': {
      const { chunk } = event;
      if (chunk.status === 'failed')
        progress.line(
          `chunk ${chunk.index} [${chunk.startOffsetMs}-${chunk.endOffsetMs} ms] failed: ${chunk.failureReason} ${chunk.failureMsg ?? ''}`,
        );
      progress.status(
        formatProgressBar({
          done: event.done,
          total: event.total,
          failed: event.failed,
          elapsedMs: event.elapsedMs,
        }),
      );
      return;
    }
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
      allowedHosts: command.allowedHosts,
      ...(command.maxUploadBytes === undefined ? {} : { maxUploadBytes: command.maxUploadBytes }),
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
  if (error instanceof MediaError) {
    process.stderr.write(`engine-toolkit: ${error.code}: ${error.message}\n`);
    return 1;
  }
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
