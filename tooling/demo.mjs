#!/usr/bin/env node
// The README's main job: the three sample engines, end to end, against the local Engine Toolkit
// emulator and the local aiWARE core, on media generated here (no network, no model download).
// It trains the logo engine on a generated library, runs it on transformed frames, retrains it
// with one more logo and shows the same engine process recognising it, runs the
// barcode engine on QR frames and the sound segmenter on a WAV, scores every output against the
// generated truth, and prints a summary table. `pnpm demo -- --console` then keeps the test console open.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCoreEmulator } from '@engine-kit/core-emulator';
import { runProcess, startConsole, startEngineSession } from '@engine-kit/toolkit';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const appDir = (name) => join(repoRoot, 'apps', name);
const engineCommand = (name) => [process.execPath, join(appDir(name), 'dist', 'main.js')];
const importTesting = (name) => import(join(appDir(name), 'dist', 'testing.js'));

const TOKEN = 'demo-token';
// The real test console's port; overridable so a test can run the demo beside another console.
const CONSOLE_PORT = Number(process.env.ENGINE_KIT_CONSOLE_PORT ?? 9090);

/** The acceptance figures: the demo fails when an engine falls short of them. */
const TARGETS = { barcodeAccuracy: 0.95, polygonError: 0.05, logoTop1: 0.9, boundaryErrorMs: 50 };

const args = process.argv.slice(2).filter((arg) => arg !== '--');
const keepConsole = args.includes('--console');
const interactive = process.stdout.isTTY === true;

function progress(label, done, total) {
  const line = `  ${label}: ${done}/${total}`;
  if (interactive) process.stdout.write(`\r${line}${done === total ? '\n' : ''}`);
  else if (done === total || done % 10 === 0) console.log(line);
}

const percent = (ratio) => `${(ratio * 100).toFixed(1)}%`;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Engine logs stay out of the demo's output, but are shown if a step fails. */
function engineLog() {
  const lines = [];
  return { lines, collect: (_stream, data) => lines.push(data.toString()) };
}

function countOutputs(summaries) {
  const outputs = summaries.flatMap((summary) => summary.outputs);
  return { outputs: outputs.length, valid: outputs.filter((output) => output.valid === true).length };
}

function assertCompleted(summary, what, log) {
  if (summary.status === 'complete' || summary.status === 'ignored') return;
  const detail = `${summary.failureReason ?? 'unknown'}: ${summary.failureMsg ?? ''}`;
  throw new Error(`${what} ${summary.status} (${detail})\n${log.lines.join('').slice(-4000)}`);
}

/** Runs `body` with one engine process (a session), as the Engine Toolkit does for a task's chunks. */
async function withSession(name, body) {
  const log = engineLog();
  const session = await startEngineSession({
    command: engineCommand(name),
    cwd: appDir(name),
    onEngineOutput: log.collect,
  });
  try {
    return await body((tasks, label) => runChunksIn(session, name, log, tasks, label));
  } finally {
    await session.close();
  }
}

async function runChunksIn(session, name, log, tasks, label) {
  const summaries = [];
  for (const task of tasks) {
    const summary = await session.toolkit.runChunk(task);
    assertCompleted(summary, `${name} chunk`, log);
    summaries.push(summary);
    progress(label, summaries.length, tasks.length);
  }
  return summaries;
}

/** Runs every chunk through one engine process. */
function runChunks(name, tasks, label) {
  return withSession(name, (run) => run(tasks, label));
}

/** The entity the logo engine reported with the highest confidence in each summary. */
function bestEntities(summaries) {
  return summaries.map((summary) => {
    const objects = summary.outputs[0]?.output?.object ?? [];
    return [...objects].sort((a, b) => b.confidence - a.confidence)[0]?.entityId;
  });
}

async function logoDemo(workDir) {
  const started = Date.now();
  const testing = await importTesting('logo-library-engine');
  const { engineId } = JSON.parse(
    await readFile(join(appDir('logo-library-engine'), 'manifest.json'), 'utf8'),
  );
  // 7 logos generated; the 7th is held back and added to the library later, for the retrain.
  const library = await testing.writeLogoLibrarySeed(join(workDir, 'logo-library'), {
    seed: 7,
    engineId,
    entities: 7,
    imagesPerEntity: 3,
    heldBack: 1,
  });
  const newcomer = library.heldBack[0];
  const core = await startCoreEmulator({ seed: library.seedFile, token: TOKEN });
  try {
    console.log(`  core emulator at ${core.url}: library of ${library.entities.length} entities × 3 images`);
    const libraryFields = {
      veritoneApiBaseUrl: core.url,
      token: TOKEN,
      libraryId: library.libraryId,
      libraryEngineModelId: library.libraryEngineModelId,
    };
    // Training runs in its own engine process, as a training job on another instance would.
    const train = async (what) => {
      const trainLog = engineLog();
      const training = await runProcess({
        command: engineCommand('logo-library-engine'),
        cwd: appDir('logo-library-engine'),
        onEngineOutput: trainLog.collect,
        payload: { mode: 'library-train', ...libraryFields },
        ...libraryFields,
      });
      assertCompleted(training, what, trainLog);
      const model = core.store.models.get(library.libraryEngineModelId);
      console.log(
        `  ${what}: trainStatus ${model?.trainStatus}, jsondata ${JSON.stringify(model?.jsondata)}`,
      );
    };
    await train('trained');

    const frames = await testing.writeLogoTestFrames(join(workDir, 'logo-frames'), library.library, {
      seed: 11,
      nonLibrary: 12,
    });
    const newcomerFrames = await testing.writeLogoTestFrames(join(workDir, 'logo-newcomer'), [newcomer], {
      seed: 13,
      nonLibrary: 0,
    });
    const runTask = (frame) => ({
      chunk: { path: frame.file, mimeType: frame.mime },
      payload: { mode: 'library-run', ...libraryFields },
      ...libraryFields,
    });
    // One engine process for every run, before and after the retrain: no restart in between.
    const runs = await withSession('logo-library-engine', async (run) => {
      const known = await run(frames.map(runTask), 'logo frames');
      const before = await run(newcomerFrames.map(runTask), 'new logo, before the retrain');
      testing.addLogoEntity(core.store, libraryFields.libraryId, newcomer);
      await train('retrained with one more entity');
      const after = await run(newcomerFrames.map(runTask), 'new logo, after the retrain');
      return { known, before, after };
    });
    const knownBest = bestEntities(runs.known);
    const trials = frames.map((frame, index) => ({
      expectedEntityId: frame.entityId ?? undefined,
      reportedEntityId: knownBest[index],
    }));
    const score = testing.scoreRecognition(trials);
    // Before the retrain the new logo is a non-library image: nothing may be reported for it.
    const reportedBefore = bestEntities(runs.before).filter((id) => id !== undefined).length;
    const recognisedAfter = bestEntities(runs.after).filter((id) => id === newcomer.entityId).length;
    const retrainOk = reportedBefore === 0 && recognisedAfter / newcomerFrames.length >= TARGETS.logoTop1;
    console.log(
      `  new logo: ${reportedBefore}/${newcomerFrames.length} frames reported before the retrain, ${recognisedAfter}/${newcomerFrames.length} after, same engine process`,
    );
    const passed = score.top1Accuracy >= TARGETS.logoTop1 && score.falseReports === 0 && retrainOk;
    const summaries = [...runs.known, ...runs.before, ...runs.after];
    return {
      engine: 'logo-library-engine',
      chunks: 2 + summaries.length,
      ...countOutputs(summaries),
      accuracy: `top-1 ${percent(score.top1Accuracy)} (${score.top1Correct}/${score.libraryFrames}), ${score.falseReports}/${score.nonLibraryFrames} non-library reported, retrain +1: ${recognisedAfter}/${newcomerFrames.length}`,
      passed,
      ms: Date.now() - started,
    };
  } finally {
    await core.close();
  }
}

async function barcodeDemo(workDir) {
  const started = Date.now();
  const testing = await importTesting('barcode-engine');
  const frames = await testing.writeQrFrames(join(workDir, 'qr-frames'), { count: 50, seed: 21 });
  const summaries = await runChunks(
    'barcode-engine',
    frames.map((frame) => ({ chunk: { path: frame.file, mimeType: frame.mime }, payload: {} })),
    'QR frames',
  );
  const scores = frames.map((frame, index) =>
    testing.scoreQrFrame(frame, summaries[index].outputs[0]?.output?.object ?? [], TARGETS.polygonError),
  );
  const score = testing.summariseFrameScores(scores);
  return {
    engine: 'barcode-engine',
    chunks: frames.length,
    ...countOutputs(summaries),
    accuracy: `${percent(score.accuracy)} frames (${score.decodedCodes}/${score.codes} codes), max corner error ${percent(score.maxPolygonError)}`,
    passed: score.accuracy >= TARGETS.barcodeAccuracy,
    ms: Date.now() - started,
  };
}

async function soundDemo(workDir) {
  const started = Date.now();
  const testing = await importTesting('sound-segmenter');
  const wav = await testing.writeWavWithTruth(join(workDir, 'sound', 'speech-like.wav'), {
    seed: 31,
    segments: 12,
  });
  const log = engineLog();
  const summary = await runProcess({
    command: engineCommand('sound-segmenter'),
    cwd: appDir('sound-segmenter'),
    onEngineOutput: log.collect,
    chunk: { path: wav.file, mimeType: 'audio/wav' },
    payload: {},
    startOffsetMs: 0,
    endOffsetMs: wav.durationMs,
  });
  assertCompleted(summary, 'sound segmentation', log);
  const detected = testing.segmentsFromSeries(
    summary.outputs.flatMap((output) => output.output?.series ?? []),
  );
  const score = testing.scoreSegments(wav.truth, detected, TARGETS.boundaryErrorMs);
  console.log(
    `  ${summary.outputs.length} results via the result webhook, ${summary.heartbeats.length} heartbeats`,
  );
  return {
    engine: 'sound-segmenter',
    chunks: 1,
    ...countOutputs([summary]),
    accuracy: `${score.matched}/${score.boundaries} boundaries within ${TARGETS.boundaryErrorMs} ms (max ${score.maxErrorMs.toFixed(0)} ms), ${score.spurious} spurious`,
    passed: score.matched === score.boundaries && score.spurious === 0,
    ms: Date.now() - started,
  };
}

function printTable(rows) {
  const header = ['engine', 'chunks', 'outputs', 'valid VTN', 'accuracy', 'time'];
  const cells = rows.map((row) => [
    row.engine,
    String(row.chunks),
    String(row.outputs),
    `${row.valid}/${row.outputs}`,
    `${row.passed ? '' : '✗ '}${row.accuracy}`,
    seconds(row.ms),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => cell[column].length)),
  );
  const line = (values) => `| ${values.map((value, column) => value.padEnd(widths[column])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const cell of cells) console.log(line(cell));
}

async function openConsole() {
  const session = await startEngineSession({
    command: engineCommand('barcode-engine'),
    cwd: appDir('barcode-engine'),
  });
  const testConsole = await startConsole({ session, port: CONSOLE_PORT });
  console.log(`\nTest console (barcode engine) at ${testConsole.url} — Ctrl-C to stop.`);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await testConsole.close();
  await session.close();
}

async function main() {
  const workDir = await mkdtemp(join(tmpdir(), 'engine-kit-demo-'));
  const rows = [];
  try {
    console.log(
      '1/3 logo-library-engine: train on a generated library, recognise transformed frames, retrain with one more logo',
    );
    rows.push(await logoDemo(workDir));
    console.log('2/3 barcode-engine: decode QR codes in 50 generated frames');
    rows.push(await barcodeDemo(workDir));
    console.log('3/3 sound-segmenter: segment a generated WAV streamed from cacheURI');
    rows.push(await soundDemo(workDir));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  console.log('');
  printTable(rows);
  const allValid = rows.every((row) => row.valid === row.outputs);
  const allPassed = rows.every((row) => row.passed);
  if (!allValid || !allPassed) {
    console.error('\nThe demo fell short of its targets (✗ above, or invalid VTN).');
    process.exitCode = 1;
  }
  if (keepConsole) await openConsole();
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
