import { describe, expect, it } from 'vitest';
import { segmentWav } from '../src/segment-wav.ts';
import { EnergySegmenter, type Segment, SegmenterOptionsError } from '../src/segmenter.ts';
import { scoreSegments } from '../src/testing/scoring.ts';
import { generateWav } from '../src/testing/wav.ts';
import { WavFormatError } from '../src/wav-reader.ts';

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += size)
    chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}

async function segmentsOf(bytes: Uint8Array, chunkSize = 4096): Promise<Segment[]> {
  const segments: Segment[] = [];
  await segmentWav(chunked(bytes, chunkSize), (segment) => {
    segments.push(segment);
  });
  return segments;
}

describe('segmentWav', () => {
  it('places every sound/silence boundary within 50 ms of the generated truth', async () => {
    let worst = 0;
    let boundaries = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const wav = generateWav({ seed, channels: seed % 2 === 0 ? 2 : 1, streamingHeader: seed % 3 === 0 });
      const detected = await segmentsOf(wav.bytes, 997);
      const score = scoreSegments(wav.truth, detected, 50);
      expect(score, `seed ${seed}`).toMatchObject({ matched: score.boundaries, spurious: 0 });
      worst = Math.max(worst, score.maxErrorMs);
      boundaries += score.boundaries;
    }
    console.info('sound boundaries', { boundaries, worstErrorMs: worst });
    expect(worst).toBeLessThanOrEqual(50);
  });

  it('covers the whole file with alternating, contiguous segments', async () => {
    const wav = generateWav({ seed: 9 });
    const detected = await segmentsOf(wav.bytes);
    expect(detected[0]!.startMs).toBe(0);
    expect(detected.at(-1)!.stopMs).toBe(wav.durationMs);
    for (let i = 1; i < detected.length; i++) {
      expect(detected[i]!.startMs).toBe(detected[i - 1]!.stopMs);
      expect(detected[i]!.kind).not.toBe(detected[i - 1]!.kind);
    }
  });

  it('emits each segment while the stream is still arriving', async () => {
    const wav = generateWav({ seed: 10 });
    const chunks = chunked(wav.bytes, 2048);
    let delivered = 0;
    const seenAt: number[] = [];
    async function* arriving() {
      for (const chunk of chunks) {
        delivered++;
        yield chunk;
      }
    }
    await segmentWav(arriving(), () => {
      seenAt.push(delivered);
    });
    expect(seenAt.length).toBeGreaterThan(3);
    expect(seenAt.filter((at) => at < chunks.length).length).toBe(seenAt.length - 1);
  });

  it('reports bytes read and segment counts', async () => {
    const wav = generateWav({ seed: 11, segments: 4 });
    const progress: number[] = [];
    const stats = await segmentWav(chunked(wav.bytes, 8192), () => undefined, {
      onProgress: (p) => progress.push(p.bytesRead),
    });
    expect(stats).toEqual({ bytesRead: wav.bytes.byteLength, segments: 4 });
    expect(progress.at(-1)).toBe(wav.bytes.byteLength);
  });

  it('fails with invalid_data on truncated input after reporting what it could', async () => {
    const wav = generateWav({ seed: 12 });
    const segments: Segment[] = [];
    const run = segmentWav(chunked(wav.bytes.subarray(0, wav.bytes.byteLength / 2), 4096), (segment) => {
      segments.push(segment);
    });
    await expect(run).rejects.toBeInstanceOf(WavFormatError);
    await expect(run).rejects.toMatchObject({ failureReason: 'invalid_data', code: 'truncated' });
    expect(segments.length).toBeGreaterThan(0);
  });
});

describe('EnergySegmenter', () => {
  it('ignores bursts shorter than the minimum sound duration', () => {
    const sampleRate = 1000;
    const samples = new Float32Array(1000);
    samples.fill(0.5, 400, 420);
    const segmenter = new EnergySegmenter({ sampleRate, minSoundMs: 50 });
    expect([...segmenter.push(samples), ...segmenter.end()]).toEqual([
      { kind: 'silence', startMs: 0, stopMs: 1000 },
    ]);
  });

  it('keeps a sound through dips shorter than the minimum silence', () => {
    const sampleRate = 1000;
    const samples = new Float32Array(1000).fill(0.5);
    samples.fill(0, 500, 560);
    const segmenter = new EnergySegmenter({ sampleRate, minSilenceMs: 120 });
    expect([...segmenter.push(samples), ...segmenter.end()]).toEqual([
      { kind: 'sound', startMs: 0, stopMs: 1000 },
    ]);
  });

  it('refuses an exit threshold above the enter threshold', () => {
    expect(() => new EnergySegmenter({ sampleRate: 8000, enterDb: -40, exitDb: -30 })).toThrow(
      SegmenterOptionsError,
    );
  });
});
