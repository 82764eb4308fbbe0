import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  parseKeysPath,
  parseRangeHeader,
  parseTtl,
  readImageSize,
  readyPollDelayMs,
  retryDelayMs,
} from '../src/index.ts';
import { makePng } from './helpers.ts';

describe('retry policy', () => {
  it('waits 100 ms, then 200 ms, doubling up to 1 s, for 3 calls in total', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(3);
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(DEFAULT_RETRY_POLICY, attempt))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('polls ready quickly at first, then about once a second', () => {
    expect(readyPollDelayMs(0)).toBe(50);
    expect(readyPollDelayMs(10)).toBe(1000);
  });
});

describe('parseRangeHeader', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-9', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=10-', { kind: 'partial', start: 10, end: 99 }],
    ['bytes=-5', { kind: 'partial', start: 95, end: 99 }],
    ['bytes=50-500', { kind: 'partial', start: 50, end: 99 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=9-3', { kind: 'full' }],
  ])('%s on 100 bytes', (header, expected) => {
    expect(parseRangeHeader(header, 100)).toEqual(expected);
  });
});

describe('readImageSize', () => {
  it('reads PNG headers', () => {
    expect(readImageSize(makePng(37, 21))).toEqual({ width: 37, height: 21 });
  });

  it('reads JPEG SOF markers after other segments', () => {
    const app0 = [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
    const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03];
    expect(readImageSize(Uint8Array.from([0xff, 0xd8, ...app0, ...sof0]))).toEqual({
      width: 640,
      height: 480,
    });
  });

  it('reads GIF headers and gives up on anything else', () => {
    expect(readImageSize(Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 10, 0, 20, 0]))).toEqual({
      width: 10,
      height: 20,
    });
    expect(readImageSize(new TextEncoder().encode('not an image at all, really'))).toBeUndefined();
    expect(readImageSize(Uint8Array.from([0xff, 0xd8, 0x00]))).toBeUndefined();
  });
});

describe('redisET paths and TTLs', () => {
  it('parses job and task key paths, keys may contain slashes', () => {
    expect(parseKeysPath('/keys/j123/a/b')).toEqual({ scope: 'job', id: '123', key: 'a/b' });
    expect(parseKeysPath('/keys/tT%201/k')).toEqual({ scope: 'task', id: 'T 1', key: 'k' });
    expect(parseKeysPath('/keys/x1/k')).toBeUndefined();
    expect(parseKeysPath('/keys/t1/')).toBeUndefined();
  });

  it('defaults the TTL to 24 h and accepts only positive whole seconds', () => {
    expect(parseTtl(null)).toBe(86_400);
    expect(parseTtl('60')).toBe(60);
    for (const bad of ['0', '-1', '1.5', 'x', '']) expect(parseTtl(bad)).toBeUndefined();
  });
});
