import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, makePng, readLog, runCli as runBuiltCli, tempDir } from './helpers.ts';
import {
  BARCODE_APP,
  BARCODE_MAIN,
  makeQrVideo,
  makeTestVideo,
  makeToneWav,
  SOUND_APP,
  SOUND_MAIN,
} from './media-support.ts';

// These tests run the built CLI and the built sample engines (`pnpm build` first), with real
// ffmpeg-made media (Debian: apt-get install -y ffmpeg).
let workspace: { dir: string; cleanup: () => void };
beforeEach(() => {
  workspace = tempDir('toolkit-media-');
});
afterEach(() => workspace.cleanup());

const runCli = (args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string) =>
  runBuiltCli(args, { FIXTURE_LOG: join(workspace.dir, 'engine.log'), ...env }, cwd);

interface SeriesItem {
  startTimeMs: number;
  stopTimeMs: number;
  object: { type: string; label: string; text?: string };
}

describe('process --media (built CLI, real ffmpeg)', () => {
  it('cuts a 10 s 640×360 video at --fps 2 into 20 frames for the barcode engine and merges its QR detections in media time', async () => {
    expect(existsSync(BARCODE_MAIN), 'build the barcode engine first').toBe(true);
    const { path, truth } = await makeQrVideo(workspace.dir, { seconds: 10, fromMs: 3200, toMs: 6200 });
    const out = join(workspace.dir, 'merged.json');
    const result = await runCli(
      [
        'process',
        '--media',
        path,
        '--fps',
        '2',
        '--manifest',
        join(BARCODE_APP, 'manifest.json'),
        '--out',
        out,
        '--',
        process.execPath,
        BARCODE_MAIN,
      ],
      {},
      BARCODE_APP,
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: 'complete',
      mode: 'media',
      media: { kind: 'video', width: 640, height: 360, durationMs: 10_000 },
      plan: { kind: 'frames', intervalMs: 500, frameFormat: 'png' },
      concurrency: 4, // the manifest's maxConcurrency
      counts: { chunks: 20, complete: 20, failed: 0 },
      out,
    });
    expect(summary.document).toBeUndefined();
    expect(
      summary.chunks.map((chunk: { startOffsetMs: number; endOffsetMs: number }) => [
        chunk.startOffsetMs,
        chunk.endOffsetMs,
      ]),
    ).toEqual(Array.from({ length: 20 }, (_, index) => [index * 500, (index + 1) * 500]));
    expect(
      summary.chunks.every(
        (chunk: { width: number; mimeType: string }) => chunk.width === 640 && chunk.mimeType === 'image/png',
      ),
    ).toBe(true);
    const document = JSON.parse(readFileSync(out, 'utf8')) as { series: SeriesItem[] };
    const detections = document.series.filter((item) => item.object.type === 'barcode');
    expect(detections.length).toBeGreaterThanOrEqual(5);
    expect(new Set(detections.map((item) => item.object.text))).toEqual(new Set([truth.text]));
    const first = detections[0]!;
    const last = detections.at(-1)!;
    // Within one frame (500 ms) of when the code really appears and disappears.
    expect(Math.abs(first.startTimeMs - truth.fromMs)).toBeLessThanOrEqual(500);
    expect(Math.abs(last.stopTimeMs - truth.toMs)).toBeLessThanOrEqual(500);
    expect(detections.map((item) => item.startTimeMs)).toEqual(
      [...detections.map((item) => item.startTimeMs)].sort((a, b) => a - b),
    );
    expect(summary.warnings).toEqual([]);
  }, 120_000);

  it('joins the detections of consecutive frames into one item with --merge-consecutive', async () => {
    const { path, truth } = await makeQrVideo(workspace.dir, { seconds: 4, fromMs: 1200, toMs: 2700 });
    const result = await runCli(
      [
        'process',
        '--media',
        path,
        '--fps',
        '2',
        '--merge-consecutive',
        '--concurrency',
        '2',
        '--',
        process.execPath,
        BARCODE_MAIN,
      ],
      {},
      BARCODE_APP,
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const series = summary.document.series as SeriesItem[];
    expect(series).toHaveLength(1);
    expect(Math.abs(series[0]!.startTimeMs - truth.fromMs)).toBeLessThanOrEqual(500);
    expect(Math.abs(series[0]!.stopTimeMs - truth.toMs)).toBeLessThanOrEqual(500);
    expect(summary.counts.seriesItemsBeforeMerge).toBeGreaterThan(1);
  }, 120_000);

  it('sends a WAV to the stream sound segmenter as one chunk at cacheURI, with the same boundaries as --chunk', async () => {
    expect(existsSync(SOUND_MAIN), 'build the sound segmenter first').toBe(true);
    const { path, tones } = await makeToneWav(join(workspace.dir, 'tones.wav'), [
      { silenceMs: 700, toneMs: 900, frequency: 440 },
      { silenceMs: 600, toneMs: 1200, frequency: 880 },
      { silenceMs: 800, toneMs: 500, frequency: 660 },
    ]);
    const engine = ['--', process.execPath, SOUND_MAIN];
    const media = await runCli(
      ['process', '--media', path, '--manifest', join(SOUND_APP, 'manifest.json'), ...engine],
      {},
      SOUND_APP,
    );
    const single = await runCli(['process', '--chunk', path, ...engine], {}, SOUND_APP);
    expect(media.code, media.stderr).toBe(0);
    expect(single.code, single.stderr).toBe(0);
    const mediaSummary = JSON.parse(media.stdout);
    expect(mediaSummary).toMatchObject({
      status: 'complete',
      plan: { kind: 'whole' },
      counts: { chunks: 1 },
      chunks: [{ mimeType: 'audio/wav', startOffsetMs: 0, endOffsetMs: 5200 }],
    });
    const boundaries = (items: SeriesItem[]) =>
      items.map((item) => [item.startTimeMs, item.stopTimeMs, item.object.label]);
    const fromSingle = JSON.parse(single.stdout).outputs.flatMap(
      (output: { output: { series: SeriesItem[] } }) => output.output.series,
    );
    expect(boundaries(mediaSummary.document.series)).toEqual(boundaries(fromSingle));
    const sounds = (mediaSummary.document.series as SeriesItem[]).filter(
      (item) => item.object.label === 'sound',
    );
    expect(sounds).toHaveLength(tones.length);
    sounds.forEach((sound, index) => {
      expect(Math.abs(sound.startTimeMs - tones[index]!.startMs)).toBeLessThanOrEqual(50);
      expect(Math.abs(sound.stopTimeMs - tones[index]!.stopMs)).toBeLessThanOrEqual(50);
    });
  }, 120_000);

  it('fails a corrupt file with invalid_data and ffprobe’s reason, without starting the engine', async () => {
    const corrupt = join(workspace.dir, 'broken.mp4');
    writeFileSync(corrupt, Buffer.from(Array.from({ length: 5000 }, (_, index) => (index * 7919) % 251)));
    const result = await runCli(['process', '--media', corrupt, '--', ...fixture('media-engine.mjs')]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: 'failed',
      failureReason: 'invalid_data',
      errorCode: 'invalid_data',
    });
    expect(summary.failureMsg).toMatch(/ffprobe cannot read .*broken\.mp4: .*Invalid data/);
    expect(result.stderr).toContain('invalid_data: ffprobe cannot read');
    expect(readLog(join(workspace.dir, 'engine.log'))).toEqual([]);
  }, 60_000);

  it('names the install command when ffmpeg is not on PATH', async () => {
    const video = join(workspace.dir, 'v.mp4');
    writeFileSync(video, 'not needed: ffmpeg is looked up first');
    const emptyBin = join(workspace.dir, 'bin');
    mkdirSync(emptyBin);
    const result = await runCli(['process', '--media', video, '--', ...fixture('media-engine.mjs')], {
      PATH: emptyBin,
    });
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: 'failed',
      failureReason: 'system_error',
      errorCode: 'ffmpeg_missing',
    });
    expect(result.stderr).toContain(
      'ffmpeg_missing: --media needs ffmpeg and ffprobe, which are not on PATH',
    );
    expect(result.stderr).toContain('apt-get install -y ffmpeg');
  }, 60_000);

  it('cuts audio and video into --segment-ms clips with contiguous media-time offsets', async () => {
    const video = await makeTestVideo(join(workspace.dir, 'clip.mp4'), {
      seconds: 5,
      width: 160,
      height: 90,
      audio: true,
    });
    const audioRun = await runCli([
      'process',
      '--media',
      video,
      '--segment-ms',
      '2000',
      '--segment-format',
      'wav',
      '--',
      ...fixture('media-engine.mjs'),
    ]);
    expect(audioRun.code, audioRun.stderr).toBe(0);
    const audio = JSON.parse(audioRun.stdout);
    expect(audio).toMatchObject({
      plan: { kind: 'segments', segmentMs: 2000, segmentFormat: 'wav' },
      counts: { chunks: 3, complete: 3 },
    });
    const ranges = audio.chunks.map((chunk: { startOffsetMs: number; endOffsetMs: number }) => [
      chunk.startOffsetMs,
      chunk.endOffsetMs,
    ]);
    expect(ranges[0][0]).toBe(0);
    for (let index = 1; index < ranges.length; index++) expect(ranges[index][0]).toBe(ranges[index - 1][1]);
    expect(Math.abs(ranges.at(-1)[1] - 5000)).toBeLessThanOrEqual(100);
    expect(audio.document.series.map((item: SeriesItem) => item.object.label)).toEqual([
      'audio/wav',
      'audio/wav',
      'audio/wav',
    ]);
    const videoRun = await runCli([
      'process',
      '--media',
      video,
      '--segment-ms',
      '2500',
      '--',
      ...fixture('media-engine.mjs'),
    ]);
    expect(videoRun.code, videoRun.stderr).toBe(0);
    const clips = JSON.parse(videoRun.stdout);
    expect(clips).toMatchObject({ plan: { segmentFormat: 'mp4' }, counts: { chunks: 2 } });
    const logged = readLog(join(workspace.dir, 'engine.log')).filter(
      (line) => line.chunkMimeType === 'video/mp4',
    );
    // Video clips carry the video's width/height (from ffprobe) like images do.
    expect(logged.map((line) => [line.width, line.height])).toEqual([
      ['160', '90'],
      ['160', '90'],
    ]);
  }, 120_000);

  it('sends a folder of images one chunk each, in name order', async () => {
    const folder = join(workspace.dir, 'frames');
    mkdirSync(folder);
    for (const [name, width] of [
      ['img-10.png', 30],
      ['img-2.png', 20],
      ['img-1.png', 10],
    ] as const)
      writeFileSync(join(folder, name), makePng(width, 8));
    writeFileSync(join(folder, 'notes.txt'), 'not an image');
    const result = await runCli(['process', '--media', folder, '--', ...fixture('media-engine.mjs')]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ plan: { kind: 'images' }, counts: { chunks: 3 } });
    const widths = readLog(join(workspace.dir, 'engine.log'))
      .filter((line) => line.event === 'process')
      .sort((a, b) => (a.chunkIndex as number) - (b.chunkIndex as number))
      .map((line) => line.width);
    expect(widths).toEqual(['10', '20', '30']);
  }, 60_000);

  it('keeps --concurrency chunks in flight, tells the engine, and lets a failed chunk not stop the others', async () => {
    const video = await makeTestVideo(join(workspace.dir, 'v.mp4'), { seconds: 4, width: 64, height: 36 });
    const result = await runCli(
      [
        'process',
        '--media',
        video,
        '--fps',
        '2',
        '--concurrency',
        '3',
        '--progress',
        '--',
        ...fixture('media-engine.mjs'),
      ],
      { DELAY_MS: '150', FAIL_CHUNKS: '2' },
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: 'failed',
      failureReason: 'internal_error',
      counts: { chunks: 8, complete: 7, failed: 1 },
    });
    expect(summary.chunks[2]).toMatchObject({ status: 'failed', processCalls: 3 });
    const log = readLog(join(workspace.dir, 'engine.log')).filter((line) => line.event === 'process');
    expect(Math.max(...log.map((line) => line.inFlight as number))).toBe(3);
    expect(new Set(log.map((line) => line.concurrentTasks))).toEqual(new Set(['3']));
    // The chunks of one file are one task's: they share one existing taskTmpDir (one mkdir per file).
    expect(new Set(log.map((line) => line.taskTmpDir)).size).toBe(1);
    expect(log.every((line) => line.taskTmpDirExists === true)).toBe(true);
    expect(
      new Set(summary.chunks.map((chunk: { internalTaskId: string }) => chunk.internalTaskId)).size,
    ).toBe(8);
    // --progress without a TTY: plain lines (plan, ready, the failure, the bar).
    expect(result.stderr).toMatch(/plan: frames every 500 ms as png, about 8 chunks, concurrency 3/);
    expect(result.stderr).toMatch(/chunk 2 \[1000-1500 ms\] failed: internal_error/);
    expect(result.stderr).toMatch(/\] 8\/8 chunks/);
  }, 120_000);

  it('cancels the remaining chunks with --fail-fast', async () => {
    const video = await makeTestVideo(join(workspace.dir, 'v.mp4'), { seconds: 10, width: 64, height: 36 });
    const result = await runCli(
      ['process', '--media', video, '--fps', '2', '--fail-fast', '--', ...fixture('media-engine.mjs')],
      { FAIL_CHUNKS: '1' },
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe('failed');
    expect(summary.counts.chunks).toBeLessThan(20);
    expect(summary.chunks.at(-1)).toMatchObject({ index: 1, status: 'failed' });
  }, 120_000);
});
