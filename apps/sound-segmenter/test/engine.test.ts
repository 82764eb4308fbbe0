import { type EngineSession, startEngineSession } from '@engine-kit/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreSegments, segmentsFromSeries } from '../src/testing/scoring.ts';
import { generateWav } from '../src/testing/wav.ts';
import type { SoundVtn } from '../src/vtn.ts';
import {
  type ScratchDir,
  createScratchDir,
  engineLog,
  sourceEngineLaunch,
} from '@engine-kit-apps/sample-support/testing';
import { APP_DIR } from './support/engine-command.ts';

let session: EngineSession;
let scratch: ScratchDir;
const log = engineLog();

beforeAll(async () => {
  scratch = await createScratchDir('sound-segmenter-');
  session = await startEngineSession(sourceEngineLaunch(APP_DIR, log));
});

afterAll(async () => {
  await session?.close();
  await scratch?.remove();
});

function heartbeatOf(entry: { heartbeat: unknown }) {
  return entry.heartbeat as {
    status: string;
    bytesRead?: number;
    messagesWritten?: number;
    failureReason?: string;
  };
}

describe('sound-segmenter through the toolkit', () => {
  it('posts each segment through the result webhook and completes with the counters', async () => {
    const wav = generateWav({ seed: 501, segments: 10 });
    const summary = await session.toolkit.runChunk({
      chunk: { path: await scratch.file('input.wav', wav.bytes), mimeType: 'audio/wav' },
      disableChunkDownload: true,
      payload: {},
    });
    expect(summary, log.lines.join('')).toMatchObject({
      status: 'complete',
      responseKind: 'async',
      validationIssues: [],
    });
    expect(summary.outputs.every((output) => output.source === 'result-webhook')).toBe(true);
    for (const output of summary.outputs) {
      const item = (output.output as SoundVtn).series[0]!;
      expect(output).toMatchObject({ startOffsetMs: item.startTimeMs, endOffsetMs: item.stopTimeMs });
    }
    const segments = segmentsFromSeries(
      summary.outputs.flatMap((output) => (output.output as SoundVtn).series),
    );
    const score = scoreSegments(wav.truth, segments, 50);
    expect(score).toMatchObject({ matched: score.boundaries, spurious: 0 });
    const final = heartbeatOf(summary.heartbeats.at(-1)!);
    expect(final).toMatchObject({ status: 'complete', bytesRead: wav.bytes.byteLength, messagesWritten: 10 });
  });

  it('fails with invalid_data when the input is not a WAV', async () => {
    const summary = await session.toolkit.runChunk({
      chunk: {
        path: await scratch.file('input.mp3', new TextEncoder().encode('ID3 definitely not a wav file')),
        mimeType: 'audio/wav',
      },
      payload: {},
    });
    expect(summary).toMatchObject({ status: 'failed', failureReason: 'invalid_data' });
    expect(heartbeatOf(summary.heartbeats.at(-1)!)).toMatchObject({
      status: 'failed',
      failureReason: 'invalid_data',
    });
  });

  it('fails with invalid_data when the WAV is truncated, after posting what it found', async () => {
    const wav = generateWav({ seed: 502, segments: 10 });
    const summary = await session.toolkit.runChunk({
      chunk: {
        path: await scratch.file('cut.wav', wav.bytes.subarray(0, wav.bytes.byteLength / 2)),
        mimeType: 'audio/wav',
      },
      payload: {},
    });
    expect(summary).toMatchObject({ status: 'failed', failureReason: 'invalid_data' });
    expect(summary.outputs.length).toBeGreaterThan(0);
  });
});
