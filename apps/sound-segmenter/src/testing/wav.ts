import type { Segment } from '../segmenter.ts';
import { createRng } from '@engine-kit-apps/sample-support/testing';

export interface WavOptions {
  seed: number;
  sampleRate?: number;
  channels?: 1 | 2;
  /** Number of alternating sound/silence segments (default 12). */
  segments?: number;
  /** Standard deviation of the background noise, as a fraction of full scale (default 0.002). */
  noise?: number;
  /** Write 0xFFFFFFFF sizes, as a live encoder does when it cannot seek back. */
  streamingHeader?: boolean;
  /** Put a LIST chunk between fmt and data, which readers must skip. */
  extraChunk?: boolean;
}

export interface GeneratedWav {
  bytes: Uint8Array;
  sampleRate: number;
  channels: number;
  durationMs: number;
  truth: Segment[];
}

const FADE_MS = 3;

function header(options: {
  sampleRate: number;
  channels: number;
  dataBytes: number;
  streaming: boolean;
  extra: boolean;
}) {
  const list = options.extra ? 8 + 12 : 0;
  const bytes = new Uint8Array(44 + list);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  const unknown = 0xffffffff;
  ascii(0, 'RIFF');
  view.setUint32(4, options.streaming ? unknown : 36 + list + options.dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, options.channels, true);
  view.setUint32(24, options.sampleRate, true);
  view.setUint32(28, options.sampleRate * options.channels * 2, true);
  view.setUint16(32, options.channels * 2, true);
  view.setUint16(34, 16, true);
  let offset = 36;
  if (options.extra) {
    ascii(offset, 'LIST');
    view.setUint32(offset + 4, 12, true);
    ascii(offset + 8, 'INFOISFT');
    view.setUint32(offset + 16, 0, true);
    offset += 20;
  }
  ascii(offset, 'data');
  view.setUint32(offset + 4, options.streaming ? unknown : options.dataBytes, true);
  return bytes;
}

/**
 * Generates a WAV of alternating tone bursts and (lightly noisy) silence, and the true
 * segment list. Segment boundaries fall on exact sample positions given in milliseconds.
 */
export function generateWav(options: WavOptions): GeneratedWav {
  const rng = createRng(options.seed);
  const sampleRate = options.sampleRate ?? 16_000;
  const channels = options.channels ?? 1;
  const noise = options.noise ?? 0.002;
  const truth: Segment[] = [];
  let cursor = 0;
  let kind: Segment['kind'] = rng.next() < 0.5 ? 'sound' : 'silence';
  for (let index = 0; index < (options.segments ?? 12); index++) {
    const length = kind === 'sound' ? rng.int(200, 1200) : rng.int(250, 900);
    truth.push({ kind, startMs: cursor, stopMs: cursor + length });
    cursor += length;
    kind = kind === 'sound' ? 'silence' : 'sound';
  }
  const totalSamples = Math.round((cursor * sampleRate) / 1000);
  const mono = new Float32Array(totalSamples);
  for (const segment of truth) {
    const from = Math.round((segment.startMs * sampleRate) / 1000);
    const to = Math.round((segment.stopMs * sampleRate) / 1000);
    if (segment.kind === 'sound') {
      const frequency = rng.range(220, 1800);
      const amplitude = rng.range(0.15, 0.6);
      const fade = Math.round((FADE_MS * sampleRate) / 1000);
      for (let i = from; i < to; i++) {
        const envelope = Math.min(1, (i - from + 1) / fade, (to - i) / fade);
        mono[i] = amplitude * envelope * Math.sin((2 * Math.PI * frequency * (i - from)) / sampleRate);
      }
    }
  }
  const dataBytes = totalSamples * channels * 2;
  const head = header({
    sampleRate,
    channels,
    dataBytes,
    streaming: options.streamingHeader ?? false,
    extra: options.extraChunk ?? false,
  });
  const bytes = new Uint8Array(head.byteLength + dataBytes);
  bytes.set(head, 0);
  const data = new DataView(bytes.buffer, head.byteLength);
  for (let i = 0; i < totalSamples; i++) {
    for (let channel = 0; channel < channels; channel++) {
      const value = mono[i]! + rng.gaussian() * noise;
      data.setInt16(
        (i * channels + channel) * 2,
        Math.max(-32768, Math.min(32767, Math.round(value * 32767))),
        true,
      );
    }
  }
  return { bytes, sampleRate, channels, durationMs: cursor, truth };
}
