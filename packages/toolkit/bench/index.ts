import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findFreePort } from '../src/common/ports.ts';
import { extractFrames } from '../src/media/extract.ts';
import { findFfmpeg, runFfprobe } from '../src/media/ffmpeg.ts';
import { parseProbeOutput } from '../src/media/probe.ts';
import { createProcessAgents, postProcessForm, readChunkFile } from '../src/process-post.ts';
import { runMedia } from '../src/media/run-media.ts';
import { makePng } from '../test/helpers.ts';

/**
 * The media mode's three targets, in one process:
 * 1. toolkit overhead: chunks/s of `process --media FOLDER` (the whole toolkit path per chunk:
 *    fields, task dirs, multipart, retries bookkeeping, VTN validation, merge) against a direct
 *    client posting the same pre-cut chunks with the same fields to the same trivial engine, at
 *    concurrency 1, 2, 4 and 8 (target >= 0.8×). The direct client is measured two ways: as a Node
 *    developer writes it (`fetch` + `FormData`, the target's baseline), and with the toolkit's own
 *    `node:http` transport (`postProcessForm`), which shows what the toolkit's bookkeeping costs
 *    once the transport is the same;
 * 2. frame extraction (one ffmpeg process + image2pipe splitting + writes) against bare ffmpeg
 *    writing the same PNG frames with its image2 muxer (target >= 0.9×);
 * 3. peak RSS of a media run over a 10 s and a 100 s video (target: flat).
 * Each figure is the median of ROUNDS runs (EXTRACTION_ROUNDS for extraction).
 */
const CHUNKS = 600;
const ROUNDS = 5;
const CONCURRENCY = [1, 2, 4, 8];
const here = dirname(fileURLToPath(import.meta.url));
const ENGINE = [process.execPath, join(here, 'trivial-engine.mjs')];
const run = promisify(execFile);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function startTrivialEngine(): Promise<{ url: string; child: ChildProcess }> {
  const port = await findFreePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(ENGINE[0]!, [ENGINE[1]!], {
    env: {
      ...process.env,
      VERITONE_WEBHOOK_READY: `${base}/ready`,
      VERITONE_WEBHOOK_PROCESS: `${base}/process`,
    },
    stdio: 'ignore',
  });
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if ((await fetch(`${base}/ready`)).ok) return { url: `${base}/process`, child };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  child.kill();
  throw new Error('the trivial engine did not become ready');
}

type Transport = 'fetch' | 'node:http';

/** The baselines: the same chunks, posted straight to the engine with the fields an engine needs. */
async function direct(
  folder: string,
  files: string[],
  concurrency: number,
  transport: Transport,
): Promise<number> {
  const engine = await startTrivialEngine();
  const agents = createProcessAgents();
  try {
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < files.length) {
        const index = next++;
        const path = join(folder, files[index]!);
        const fields: Record<string, string> = {
          internalJobId: 'job-bench',
          internalTaskId: `task-bench-chunk-${index}`,
          chunkMimeType: 'image/png',
          startOffsetMS: '0',
          endOffsetMS: '0',
          chunkIndex: String(index),
          payload: '{}',
          maxTTL: '3600',
        };
        if (transport === 'fetch') {
          const form = new FormData();
          for (const [name, value] of Object.entries(fields)) form.append(name, value);
          form.append('chunk', await openAsBlob(path, { type: 'image/png' }), 'chunk.data');
          const response = await fetch(engine.url, { method: 'POST', body: form });
          JSON.parse(await response.text());
        } else {
          const content = readChunkFile(path);
          const file = { path, filename: 'chunk.data', contentType: 'image/png', content: content! };
          const answer = await postProcessForm(engine.url, fields, file, {
            agents,
            userAgent: 'bench',
            signal: new AbortController().signal,
          });
          JSON.parse(answer.body);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return (files.length * 1000) / (performance.now() - started);
  } finally {
    agents.destroy();
    engine.child.kill('SIGTERM');
  }
}

async function throughToolkit(folder: string, concurrency: number): Promise<number> {
  const summary = await runMedia({ command: ENGINE, media: folder, concurrency, redisEt: false });
  if (summary.status !== 'complete' || summary.counts.chunks !== CHUNKS)
    throw new Error(`toolkit run failed: ${summary.failureMsg}`);
  return (summary.counts.chunks * 1000) / summary.timings.processMs;
}

async function benchOverhead(work: string) {
  const folder = join(work, 'chunks');
  await mkdir(folder);
  const png = makePng(64, 36);
  for (let index = 0; index < CHUNKS; index++)
    await writeFile(join(folder, `chunk-${String(index).padStart(4, '0')}.png`), png);
  const files = (await readdir(folder)).sort();
  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const ours: number[] = [];
    const viaFetch: number[] = [];
    const viaHttp: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      viaFetch.push(await direct(folder, files, concurrency, 'fetch'));
      viaHttp.push(await direct(folder, files, concurrency, 'node:http'));
      ours.push(await throughToolkit(folder, concurrency));
    }
    rows.push({
      concurrency,
      'toolkit chunks/s': Math.round(median(ours)),
      'direct fetch chunks/s': Math.round(median(viaFetch)),
      'ratio (target >= 0.8)': Number((median(ours) / median(viaFetch)).toFixed(2)),
      'direct node:http chunks/s': Math.round(median(viaHttp)),
      'ratio to node:http': Number((median(ours) / median(viaHttp)).toFixed(2)),
    });
  }
  return rows;
}

async function makeVideo(path: string, seconds: number) {
  await run('ffmpeg', [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'lavfi'],
    ...['-i', `testsrc=size=640x360:rate=25:duration=${seconds}`],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', path],
  ]);
}

/**
 * Both sides run the same ffmpeg decode and PNG encode (about 4 ms a frame), so the per-run noise
 * of this shared machine (±20%) is larger than the difference: more rounds, in alternating order.
 */
const EXTRACTION_ROUNDS = 9;

async function benchExtraction(work: string, video: string) {
  const tools = await findFfmpeg();
  const media = parseProbeOutput(video, await runFfprobe(tools, video), 0);
  const ours: number[] = [];
  const bare: number[] = [];
  const counts = { bare: 0, ours: 0 };
  const runBare = async (round: number) => {
    const bareDir = join(work, `bare-${round}`);
    await mkdir(bareDir);
    const started = performance.now();
    await run(tools.ffmpeg, [
      ...['-hide_banner', '-nostdin', '-v', 'error', '-i', video, '-map', '0:v:0', '-an'],
      ...['-vf', 'fps=fps=10:round=up', '-c:v', 'png', join(bareDir, 'frame-%06d.png')],
    ]);
    bare.push(performance.now() - started);
    counts.bare = (await readdir(bareDir)).length;
    await rm(bareDir, { recursive: true });
  };
  const runOurs = async (round: number) => {
    const oursDir = join(work, `ours-${round}`);
    const started = performance.now();
    counts.ours = 0;
    for await (const _frame of extractFrames(100, 'png', { tools, media, dir: oursDir, readAhead: 4 }))
      counts.ours++;
    ours.push(performance.now() - started);
    await rm(oursDir, { recursive: true });
  };
  for (let round = 0; round < EXTRACTION_ROUNDS; round++) {
    if (round % 2 === 0) {
      await runBare(round);
      await runOurs(round);
    } else {
      await runOurs(round);
      await runBare(round);
    }
    if (counts.ours !== counts.bare)
      throw new Error(`frame counts differ: ours ${counts.ours}, bare ${counts.bare}`);
  }
  return {
    frames: counts.ours,
    'ours ms': Math.round(median(ours)),
    'bare ffmpeg ms': Math.round(median(bare)),
    ratio: Number((median(bare) / median(ours)).toFixed(2)),
  };
}

/** Peak RSS of this process while a media run is in flight, sampled every 10 ms. */
async function peakRss(video: string): Promise<{ chunks: number; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const summary = await runMedia({
      command: ENGINE,
      media: video,
      plan: { fps: 2 },
      concurrency: 2,
      redisEt: false,
    });
    if (summary.status !== 'complete') throw new Error(`media run failed: ${summary.failureMsg}`);
    return { chunks: summary.counts.chunks, peakMb: Math.round((peak / 1048576) * 10) / 10 };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  // `pnpm bench overhead` runs only the first target (for profiling the per-chunk path).
  const only = process.argv[2];
  const work = await mkdtemp(join(tmpdir(), 'toolkit-bench-'));
  try {
    console.log(`toolkit overhead: ${CHUNKS} pre-cut 64×36 PNG chunks, trivial engine, median of ${ROUNDS}`);
    console.table(await benchOverhead(work));
    if (only === 'overhead') return;
    const short = join(work, 'short.mp4');
    const long = join(work, 'long.mp4');
    await makeVideo(short, 10);
    await makeVideo(long, 100);
    console.log(
      `frame extraction: 10 s 640×360 H.264 at 10 fps to PNG files, median of ${EXTRACTION_ROUNDS}`,
    );
    console.table([await benchExtraction(work, short)]);
    // Warm both once so the first run's module loading is not counted as growth.
    await peakRss(short);
    const tenSeconds = await peakRss(short);
    const hundredSeconds = await peakRss(long);
    console.log('peak RSS of the bench process during a media run (2 fps, concurrency 2)');
    console.table([
      { video: '10 s', ...tenSeconds },
      { video: '100 s', ...hundredSeconds },
    ]);
    console.log(
      `RSS ratio 100 s / 10 s: ${(hundredSeconds.peakMb / tenSeconds.peakMb).toFixed(2)} (flat means close to 1)`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
