import { describe, expect, it } from 'vitest';
import {
  buildMultipartResultFields,
  buildResult,
  ContractError,
  parseMultipartResultFields,
  parseResult,
} from '../src/index.ts';

const output = { series: [{ startTimeMs: 0, stopTimeMs: 300, words: [{ word: 'this' }] }] };

describe('parseResult', () => {
  it('keeps the offsets spelled Ms, unknown keys such as index, and chunk metadata', () => {
    const message = { index: 1, startOffsetMs: 0, endOffsetMs: 1200, 'chunk-metadata-a': 'b', output };
    expect(parseResult(message)).toEqual({ success: true, data: message });
  });

  it('checks output with the VTN standard and points into it', () => {
    const result = parseResult({ output: { series: [{ startTimeMs: -1, stopTimeMs: 2 }] } });
    expect(!result.success && result.issues[0]?.path).toMatch(/^\/output\/series\/0/);
  });

  it('requires output', () => {
    const result = parseResult({ startOffsetMs: 0 });
    expect(!result.success && result.issues[0]?.path).toBe('/output');
  });

  it('rejects chunk metadata that is not text', () => {
    const result = parseResult({ output, 'chunk-metadata-frame': 3 });
    expect(!result.success && result.issues[0]).toMatchObject({
      path: '/chunk-metadata-frame',
      code: 'invalid_chunk_metadata',
    });
  });

  it.each([undefined, 'x', [output]])('returns an issue for %j instead of throwing', (value) => {
    expect(parseResult(value).success).toBe(false);
  });
});

describe('buildResult', () => {
  it('spreads chunk metadata into prefixed keys', () => {
    expect(
      buildResult({ output, chunkContext: 'c', startOffsetMs: 0, endOffsetMs: 9, chunkMetadata: { k: 'v' } }),
    ).toEqual({ output, chunkContext: 'c', startOffsetMs: 0, endOffsetMs: 9, 'chunk-metadata-k': 'v' });
  });

  it('throws a ContractError for output that is not VTN', () => {
    expect(() => buildResult({ output: { series: 'x' } as never })).toThrow(ContractError);
  });
});

describe('multipart result fields', () => {
  it('are all text, with multipart set to true', () => {
    const fields = buildMultipartResultFields({
      startOffsetMs: 0,
      endOffsetMs: 30_000,
      chunkMetadata: { lang: 'en' },
    });
    expect(fields).toEqual({
      multipart: 'true',
      startOffsetMs: '0',
      endOffsetMs: '30000',
      'chunk-metadata-lang': 'en',
    });
    expect(parseMultipartResultFields(fields)).toEqual({ success: true, data: fields });
  });

  it('are read from FormData, skipping the file parts', () => {
    const form = new FormData();
    form.append('multipart', 'true');
    form.append('file', new Blob(['<tt/>'], { type: 'application/ttml+xml' }), 'out.ttml');
    expect(parseMultipartResultFields(form)).toEqual({ success: true, data: { multipart: 'true' } });
  });

  it('need the multipart flag', () => {
    const result = parseMultipartResultFields({ chunkContext: 'c' });
    expect(!result.success && result.issues[0]?.path).toBe('/multipart');
  });
});
