import { describe, expect, it } from 'vitest';
import { generateWav } from '../src/testing/wav.ts';
import { WavFormatError, WavStreamReader } from '../src/wav-reader.ts';

function readAll(bytes: Uint8Array, chunkSize: number) {
  const reader = new WavStreamReader();
  const parts: Float32Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
    parts.push(reader.push(bytes.subarray(offset, offset + chunkSize)));
  }
  reader.end();
  const samples = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    samples.set(part, at);
    at += part.length;
  }
  return { reader, samples };
}

function wavError(bytes: Uint8Array): WavFormatError {
  const reader = new WavStreamReader();
  try {
    reader.push(bytes);
    reader.end();
  } catch (error) {
    return error as WavFormatError;
  }
  throw new Error('expected the reader to reject the input');
}

describe('WavStreamReader', () => {
  it('yields the same samples whatever the chunk boundaries, including one byte at a time', () => {
    const wav = generateWav({ seed: 1, segments: 3, sampleRate: 8000 });
    const whole = readAll(wav.bytes, wav.bytes.byteLength);
    for (const size of [1, 3, 45, 1001]) expect(readAll(wav.bytes, size).samples).toEqual(whole.samples);
    expect(whole.samples.length).toBe((wav.durationMs * 8000) / 1000);
    expect(whole.reader.format).toEqual({
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 16,
      blockAlign: 2,
      dataBytes: whole.samples.length * 2,
    });
  });

  it('mixes stereo down to mono', () => {
    const mono = readAll(generateWav({ seed: 2, segments: 2, channels: 1, noise: 0 }).bytes, 512).samples;
    const stereo = readAll(generateWav({ seed: 2, segments: 2, channels: 2, noise: 0 }).bytes, 512);
    expect(stereo.reader.format?.channels).toBe(2);
    expect(stereo.samples).toEqual(mono);
  });

  it('skips unknown chunks and accepts streamed headers with unknown sizes', () => {
    const plain = readAll(generateWav({ seed: 3, segments: 2 }).bytes, 700).samples;
    const variant = readAll(
      generateWav({ seed: 3, segments: 2, extraChunk: true, streamingHeader: true }).bytes,
      700,
    );
    expect(variant.samples).toEqual(plain);
    expect(variant.reader.format?.dataBytes).toBeUndefined();
  });

  it('rejects non-WAV input as invalid data as soon as the first bytes arrive', () => {
    const reader = new WavStreamReader();
    expect(() => reader.push(new TextEncoder().encode('ID3\u0003 an mp3'))).toThrow(WavFormatError);
    expect(wavError(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000AVI LIST'))).toMatchObject({
      code: 'not_wav',
      failureReason: 'invalid_data',
    });
  });

  it('rejects input that ends inside the header, before the data, or short of the declared data', () => {
    const { bytes } = generateWav({ seed: 4, segments: 2 });
    expect(wavError(bytes.subarray(0, 10))).toMatchObject({
      code: 'truncated',
      failureReason: 'invalid_data',
    });
    expect(wavError(bytes.subarray(0, 30))).toMatchObject({ code: 'truncated' });
    expect(wavError(bytes.subarray(0, bytes.byteLength - 100))).toMatchObject({ code: 'truncated' });
    expect(wavError(new Uint8Array(0))).toMatchObject({ code: 'truncated' });
  });

  it('rejects input that stops in the middle of a sample frame of a streamed WAV', () => {
    const { bytes } = generateWav({ seed: 4, segments: 2, streamingHeader: true });
    expect(wavError(bytes.subarray(0, bytes.byteLength - 1))).toMatchObject({ code: 'truncated' });
  });

  it('refuses formats other than 16-bit PCM with a reason', () => {
    const bytes = generateWav({ seed: 5, segments: 2 }).bytes.slice();
    new DataView(bytes.buffer).setUint16(34, 24, true);
    expect(wavError(bytes)).toMatchObject({ code: 'unsupported_format', failureReason: 'invalid_data' });
    const float = generateWav({ seed: 5, segments: 2 }).bytes.slice();
    new DataView(float.buffer).setUint16(20, 3, true);
    expect(wavError(float)).toMatchObject({ code: 'unsupported_format' });
  });

  it('rejects a data chunk that precedes the fmt chunk', () => {
    const bytes = new Uint8Array(20);
    bytes.set(new TextEncoder().encode('RIFF'), 0);
    bytes.set(new TextEncoder().encode('WAVEdata'), 8);
    expect(wavError(bytes)).toMatchObject({ code: 'malformed' });
  });
});
