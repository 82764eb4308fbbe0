import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli-args.ts';
import { commandUsage } from '../src/cli-args.ts';
import { redactModel, redactUrl } from '../src/library-model.ts';
import { MediaError } from '../src/media/errors.ts';
import { parseSegmentListLine } from '../src/media/extract.ts';
import { ImageStreamSplitter } from '../src/media/image-stream.ts';
import { mergeChunkDocuments } from '../src/media/merge.ts';
import { buildChunkingPlan, manifestPlanHints } from '../src/media/plan.ts';
import { parseProbeOutput } from '../src/media/probe.ts';
import {
  describeToolkitEvent,
  formatProgressBar,
  ProgressReporter,
  progressEnabled,
} from '../src/progress.ts';
import { makePng } from './helpers.ts';

/** A minimal baseline JPEG-shaped byte string: SOI, an APP1 segment, SOS, scan data, EOI. */
function fakeJpeg(scan: number[], app: number[] = []): Buffer {
  const appSegment = [0xff, 0xe1, 0x00, app.length + 2, ...app];
  const sos = [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
  return Buffer.from([0xff, 0xd8, ...appSegment, ...sos, ...scan, 0xff, 0xd9]);
}

function splitAll(splitter: ImageStreamSplitter, stream: Buffer, step: number): Buffer[] {
  const images: Buffer[] = [];
  for (let at = 0; at < stream.length; at += step)
    images.push(...splitter.push(stream.subarray(at, at + step)));
  splitter.end();
  return images;
}

describe('ImageStreamSplitter', () => {
  it('cuts concatenated PNGs at their IEND, whatever the read sizes', () => {
    const pngs = [makePng(8, 4), makePng(33, 17), makePng(1, 1)];
    const stream = Buffer.concat(pngs);
    for (const step of [1, 7, 64, 100_000]) {
      const images = splitAll(new ImageStreamSplitter('png'), stream, step);
      expect(images.map((image) => image.equals(pngs[images.indexOf(image)]!))).toEqual([true, true, true]);
    }
  });

  it('cuts JPEGs at EOI, not at an FF D9 inside a segment or stuffed scan bytes', () => {
    const first = fakeJpeg([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56], [0xff, 0xd9, 0xff, 0xd9]);
    const second = fakeJpeg([0x01, 0x02]);
    const images = splitAll(new ImageStreamSplitter('jpeg'), Buffer.concat([first, second]), 3);
    expect(images).toEqual([first, second]);
  });

  it('rejects a stream that is not the announced format, and a truncated last image', () => {
    expect(() => new ImageStreamSplitter('png').push(Buffer.from('not a png at all'))).toThrow(/signature/);
    expect(() => new ImageStreamSplitter('jpeg').push(Buffer.from([0x00, 0x01]))).toThrow(/SOI/);
    const splitter = new ImageStreamSplitter('png');
    splitter.push(makePng(4, 4).subarray(0, 30));
    expect(() => splitter.end()).toThrow(/ended inside an image/);
  });

  it('bounds memory: an image larger than the limit fails instead of growing forever', () => {
    const splitter = new ImageStreamSplitter('png', 1024);
    const png = makePng(64, 64);
    expect(png.length).toBeGreaterThan(1024);
    expect(() => splitter.push(png.subarray(0, png.length - 12))).toThrow(/exceeds 1024 bytes/);
  });
});

const video = {
  kind: 'video',
  durationMs: 10_000,
  sizeBytes: 5_000_000,
  hasAudio: true,
  hasVideo: true,
} as const;
const audio = {
  kind: 'audio',
  durationMs: 65_000,
  sizeBytes: 2_000_000,
  hasAudio: true,
  hasVideo: false,
} as const;

describe('buildChunkingPlan', () => {
  it('cuts video into frames at --fps, and counts them', () => {
    expect(buildChunkingPlan(video, {}, { fps: 2 })).toMatchObject({
      kind: 'frames',
      intervalMs: 500,
      frameFormat: 'png',
      expectedChunks: 20,
    });
    expect(buildChunkingPlan(video, {}, { everyMs: 3000, frameFormat: 'jpeg' })).toMatchObject({
      kind: 'frames',
      intervalMs: 3000,
      frameFormat: 'jpeg',
      expectedChunks: 4,
    });
  });

  it('follows the manifest: stream engines get the whole file, image engines frames, audio engines segments', () => {
    expect(buildChunkingPlan(audio, { engineMode: 'stream' }, {})).toMatchObject({ kind: 'whole' });
    expect(
      buildChunkingPlan(video, { engineMode: 'chunk', supportedInputFormats: ['image/jpeg'] }, {}),
    ).toMatchObject({ kind: 'frames', frameFormat: 'jpeg', intervalMs: 1000 });
    expect(
      buildChunkingPlan(
        audio,
        { engineMode: 'chunk', preferredInputFormat: 'audio/wav', maxMediaLengthMs: 30_000 },
        {},
      ),
    ).toMatchObject({ kind: 'segments', segmentMs: 30_000, segmentFormat: 'wav', expectedChunks: 3 });
    expect(
      buildChunkingPlan(audio, { engineMode: 'chunk', supportedInputFormats: ['audio/wav'] }, {}),
    ).toMatchObject({
      kind: 'whole',
    });
  });

  it('lets flags override the manifest', () => {
    expect(buildChunkingPlan(video, { engineMode: 'stream' }, { fps: 1 })).toMatchObject({ kind: 'frames' });
    expect(
      buildChunkingPlan(video, { supportedInputFormats: ['image/png'] }, { segmentMs: 2500 }),
    ).toMatchObject({
      kind: 'segments',
      segmentMs: 2500,
      segmentFormat: 'mp4',
      expectedChunks: 4,
    });
    expect(buildChunkingPlan(video, {}, { plan: 'whole' })).toMatchObject({ kind: 'whole' });
  });

  it('refuses what the manifest rules out, with the reason', () => {
    const tooBig = () => buildChunkingPlan(video, { engineMode: 'stream', maxFileMb: 1 }, {});
    expect(tooBig).toThrow(MediaError);
    expect(tooBig).toThrow(/maxFileMb \(1\)/);
    expect(() => buildChunkingPlan(video, { minMediaLengthMs: 20_000 }, {})).toThrow(/minMediaLengthMs/);
    expect(() => buildChunkingPlan(audio, {}, { fps: 1 })).toThrow(/no video stream/);
    expect(() => buildChunkingPlan(audio, {}, { segmentFormat: 'mp4' })).toThrow(/needs a video stream/);
    expect(() => buildChunkingPlan({ ...video, durationMs: 86_400_000 }, {}, { fps: 30 })).toThrow(/chunks/);
  });

  it('reads manifest hints liberally, warning about what it skips', () => {
    const warnings: string[] = [];
    expect(
      manifestPlanHints(
        { engineMode: 3, maxFileMb: 'big', maxConcurrency: 4, supportedInputFormats: ['image/png', 5] },
        warnings,
      ),
    ).toEqual({ engineMode: 'stream', maxConcurrency: 4, supportedInputFormats: ['image/png'] });
    expect(warnings).toEqual(['manifest maxFileMb "big" is not a number >= 0; ignored']);
  });
});

describe('mergeChunkDocuments', () => {
  const frame = (index: number, objects: unknown[]) => ({
    index,
    startOffsetMs: index * 500,
    endOffsetMs: (index + 1) * 500,
    outputs: [{ schemaId: 's', validationContracts: ['object'], object: objects }],
  });
  const code = (text: string, x: number) => ({
    type: 'barcode',
    label: text,
    boundingPoly: [
      { x, y: 0 },
      { x: x + 0.1, y: 0 },
      { x, y: 0.1 },
    ],
  });

  it('lifts frame objects into series items in media time, ordered by time', () => {
    const result = mergeChunkDocuments([frame(2, [code('b', 0.2)]), frame(0, [code('a', 0.1)])]);
    expect(result.document).toEqual({
      schemaId: 's',
      validationContracts: ['object'],
      series: [
        { startTimeMs: 0, stopTimeMs: 500, object: code('a', 0.1) },
        { startTimeMs: 1000, stopTimeMs: 1500, object: code('b', 0.2) },
      ],
    });
    expect(result.counts).toMatchObject({ documents: 2, seriesItems: 2, byType: { barcode: 2 } });
  });

  it('joins identical consecutive detections with --merge-consecutive, not separated ones', () => {
    const chunks = [frame(0, [code('a', 0.1)]), frame(1, [code('a', 0.12)]), frame(3, [code('a', 0.1)])];
    const merged = mergeChunkDocuments(chunks, { mergeConsecutive: true });
    expect(
      (merged.document.series as { startTimeMs: number; stopTimeMs: number }[]).map((item) => [
        item.startTimeMs,
        item.stopTimeMs,
      ]),
    ).toEqual([
      [0, 1000],
      [1500, 2000],
    ]);
    expect(merged.counts).toMatchObject({ seriesItems: 2, seriesItemsBeforeMerge: 3 });
    expect(mergeChunkDocuments(chunks).counts.seriesItems).toBe(3);
  });

  it('keeps root objects of untimed chunks in chunk order, unions validationContracts and warns about stray times', () => {
    const result = mergeChunkDocuments([
      {
        index: 1,
        startOffsetMs: 0,
        endOffsetMs: 0,
        outputs: [{ validationContracts: ['face'], object: [{ type: 'face', n: 2 }] }],
      },
      {
        index: 0,
        startOffsetMs: 0,
        endOffsetMs: 0,
        outputs: [{ validationContracts: ['object'], object: [{ type: 'face', n: 1 }] }],
      },
      {
        index: 2,
        startOffsetMs: 10_000,
        endOffsetMs: 20_000,
        outputs: [{ series: [{ startTimeMs: 100, stopTimeMs: 900, object: { type: 'x' } }] }, 'not json'],
      },
    ]);
    expect(result.document.object).toEqual([
      { type: 'face', n: 1 },
      { type: 'face', n: 2 },
    ]);
    expect(result.document.validationContracts).toEqual(['object', 'face']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        chunkIndex: 2,
        code: 'series_outside_chunk',
        message: expect.stringMatching(/chunk-relative/),
      }),
    ]);
  });
});

describe('parseProbeOutput', () => {
  it('reads a video with its size and frame rate, and an audio file with cover art as audio', () => {
    const info = parseProbeOutput(
      'a.mp4',
      {
        streams: [
          { codec_type: 'video', codec_name: 'h264', width: 640, height: 360, avg_frame_rate: '25/1' },
          { codec_type: 'audio', codec_name: 'aac' },
        ],
        format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '10.000000' },
      },
      1000,
    );
    expect(info).toMatchObject({
      kind: 'video',
      mimeType: 'video/mp4',
      width: 640,
      height: 360,
      durationMs: 10_000,
      frameRate: 25,
    });
    const song = parseProbeOutput(
      'song.mp3',
      {
        streams: [
          { codec_type: 'audio', codec_name: 'mp3' },
          { codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } },
        ],
        format: { format_name: 'mp3', duration: '3.5' },
      },
      10,
    );
    expect(song).toMatchObject({ kind: 'audio', mimeType: 'audio/mpeg', durationMs: 3500, hasVideo: false });
  });

  it('treats a file without audio or video as invalid_data', () => {
    expect(() => parseProbeOutput('x.bin', { streams: [{ codec_type: 'data' }], format: {} }, 1)).toThrow(
      expect.objectContaining({ code: 'invalid_data' }),
    );
  });

  it('parses the segment list, refusing names that would leave the folder', () => {
    expect(parseSegmentListLine('segment-000001.wav,2.020136,4.017052')).toEqual({
      file: 'segment-000001.wav',
      startSeconds: 2.020136,
      endSeconds: 4.017052,
    });
    expect(parseSegmentListLine('../etc/passwd,0,1')).toBeUndefined();
    expect(parseSegmentListLine('garbage')).toBeUndefined();
  });
});

describe('progress', () => {
  it('formats a bar with rate and ETA', () => {
    expect(formatProgressBar({ done: 5, total: 20, elapsedMs: 2500, failed: 1 }, 10)).toBe(
      '[###.......] 5/20 chunks  2.0/s  ETA 8s  (1 failed)',
    );
    expect(formatProgressBar({ done: 20, total: 20, elapsedMs: 4000 }, 4)).toBe('[####] 20/20 chunks  5.0/s');
  });

  it('is on for a TTY by default, and --progress / --quiet force it', () => {
    expect(progressEnabled('auto', { write: () => true, isTTY: true })).toBe(true);
    expect(progressEnabled('auto', { write: () => true })).toBe(false);
    expect(progressEnabled('on', { write: () => true })).toBe(true);
    expect(progressEnabled('off', { write: () => true, isTTY: true })).toBe(false);
  });

  it('describes heartbeats with their counters and retries with the error', () => {
    expect(
      describeToolkitEvent({
        type: 'heartbeat',
        internalTaskId: 't',
        heartbeat: {
          receivedAtMs: 1,
          accepted: true,
          heartbeat: { status: 'running', bytesRead: 4096, messagesWritten: 3 },
        },
      }),
    ).toBe('heartbeat running bytesRead=4096 messagesWritten=3');
    expect(
      describeToolkitEvent({
        type: 'process-call',
        internalTaskId: 't',
        call: { attempt: 1, status: 503, kind: 'failure', durationMs: 4, error: 'busy' },
      }),
    ).toMatch(/^\/process call 1: HTTP 503, failure, 4 ms: busy \(will retry/);
  });

  it('redraws the status line in place on a TTY and prints plain lines otherwise', () => {
    let tty = '';
    const onTty = new ProgressReporter({ write: (text: string) => (tty += text), isTTY: true, columns: 80 });
    onTty.status('1/2');
    onTty.line('event');
    onTty.done('finished');
    expect(tty).toBe(
      '\r\x1b[2Kengine-toolkit: 1/2\r\x1b[2Kengine-toolkit: event\nengine-toolkit: 1/2\r\x1b[2Kengine-toolkit: finished\n',
    );
    let plain = '';
    const inLog = new ProgressReporter({ write: (text: string) => (plain += text) });
    inLog.status('1/2');
    inLog.line('event');
    expect(plain).toBe('engine-toolkit: 1/2\nengine-toolkit: event\n');
  });
});

describe('library model in train/run summaries', () => {
  it('keeps the model fields and drops the signed query of dataUrl', () => {
    expect(redactUrl('https://bucket.test/models/m.bin?X-Amz-Signature=abc&X-Amz-Credential=k')).toBe(
      'https://bucket.test/models/m.bin?[redacted]',
    );
    expect(redactUrl('https://user:pw@host.test/a')).toBe('https://host.test/a');
    expect(
      redactModel({
        id: 'm',
        trainStatus: 'complete',
        dataUrl: 'http://h/x?sig=1',
        jsondata: { hashes: 3 },
        secret: 'x',
      }),
    ).toEqual({
      id: 'm',
      trainStatus: 'complete',
      dataUrl: 'http://h/x?[redacted]',
      jsondata: { hashes: 3 },
    });
  });
});

describe('parseCli --media', () => {
  it('parses the media options', () => {
    const command = parseCli([
      'process',
      '--media',
      'v.mp4',
      '--fps',
      '2',
      '--frame-format',
      'jpeg',
      '--concurrency',
      '4',
      '--fail-fast',
      '--merge-consecutive',
      '--out',
      'doc.json',
      '--manifest',
      'manifest.json',
      '--progress',
      '--',
      'node',
      'e.js',
    ]);
    expect(command).toMatchObject({
      name: 'process',
      progress: 'on',
      media: {
        path: 'v.mp4',
        manifestPath: 'manifest.json',
        plan: { fps: 2, frameFormat: 'jpeg' },
        concurrency: 4,
        failFast: true,
        mergeConsecutive: true,
        outPath: 'doc.json',
      },
    });
  });

  it('rejects contradictions and media options without --media', () => {
    const run =
      (...args: string[]) =>
      () =>
        parseCli([...args, '--', 'node', 'e.js']);
    expect(run('process', '--media', 'a', '--chunk', 'b')).toThrow(/not both/);
    expect(run('process', '--media', 'a', '--fps', '1', '--every-ms', '5')).toThrow(/not both/);
    expect(run('process', '--media', 'a', '--frame-format', 'gif')).toThrow(/png, jpeg/);
    expect(run('process', '--media', 'a', '--concurrency', '0')).toThrow(/1 to 64/);
    expect(run('process', '--chunk', 'a', '--fps', '1')).toThrow(/--fps needs process --media/);
    expect(run('process', '--chunk', 'a', '--progress', '--quiet')).toThrow(/contradict/);
  });

  it('gives each subcommand its own help', () => {
    expect(parseCli(['process', '--help'])).toEqual({ name: 'help', topic: 'process' });
    expect(parseCli(['--help'])).toEqual({ name: 'help' });
    expect(commandUsage('process')).toMatch(/--media FILE\|FOLDER/);
    expect(commandUsage('train')).toMatch(/trainStatus/);
    expect(commandUsage('train')).not.toMatch(/--segment-ms/);
  });
});
