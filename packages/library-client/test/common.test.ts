import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../src/common/backoff.ts';
import { redactError, redactText } from '../src/common/redact.ts';
import { createLimiter } from '../src/index.ts';

describe('createLimiter', () => {
  it('never runs more tasks at once than its limit, and runs them all', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }),
        async (limit, delays) => {
          const limiter = createLimiter(limit);
          let active = 0;
          let peak = 0;
          const results = await Promise.all(
            delays.map((delay, index) =>
              limiter.run(async () => {
                active += 1;
                peak = Math.max(peak, active);
                await new Promise((resolve) => setTimeout(resolve, delay));
                active -= 1;
                return index;
              }),
            ),
          );
          expect(results).toEqual(delays.map((_, index) => index));
          expect(peak).toBeLessThanOrEqual(limit);
          expect(limiter.active).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('frees the slot of a task that throws', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('backoff', () => {
  it('stays within [0, min(max, base * 2^attempt)]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, { baseDelayMs: 100, maxDelayMs: 5_000, random: () => r });
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(5_000, 100 * 2 ** attempt));
        },
      ),
    );
  });

  it('parses Retry-After as seconds or an HTTP date, and never throws', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:02 GMT', now)).toBe(2_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (value) => {
        const parsed = parseRetryAfter(value);
        expect(parsed === undefined || parsed >= 0).toBe(true);
      }),
    );
  });
});

describe('redaction', () => {
  it('removes the secret from any text where it stands as a whole value', () => {
    fc.assert(
      fc.property(
        // Tokens have no brackets or spaces, so no occurrence can straddle a "[REDACTED]" marker.
        fc.string({ minLength: 8 }).filter((secret) => !/[[\]\s]/.test(secret)),
        fc.array(fc.string(), { maxLength: 5 }),
        fc.constantFrom(' ', '"', '=', '/', ':', '\n'),
        (secret, parts, separator) => {
          fc.pre(parts.every((part) => !part.includes(secret)));
          const text = parts.join(`${separator}${secret}${separator}`);
          expect(redactText(text, [secret])).not.toContain(secret);
        },
      ),
    );
  });

  it('does not garble words that contain the secret, and ignores secrets too short to redact', () => {
    expect(redactText('UpdateLibraryEngineModel failed for token t', ['t'])).toBe(
      'UpdateLibraryEngineModel failed for token t',
    );
    expect(redactText('x-Library1-y Library1', ['Library1'])).toBe('x-Library1-y [REDACTED]');
  });

  it('redacts the query of every URL in the text', () => {
    expect(redactText('GET https://s3.example/m.bin?X-Amz-Signature=abc&X-Amz-Credential=k failed', [])).toBe(
      'GET https://s3.example/m.bin?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED failed',
    );
  });

  it('masks any Bearer credential even when the secret is unknown', () => {
    expect(redactText('Authorization: Bearer abc.def-123', [])).toBe('Authorization: Bearer [REDACTED]');
  });

  it('redacts an error and its causes, keeping name and code', () => {
    const error = new Error('outer s3cr3t-token', {
      cause: Object.assign(new Error('inner s3cr3t-token'), { code: 'ECONNRESET' }),
    });
    const copy = redactError(error, ['s3cr3t-token']) as Error & { cause: Error & { code: string } };
    expect(copy.message).toBe('outer [REDACTED]');
    expect(copy.cause.message).toBe('inner [REDACTED]');
    expect(copy.cause.code).toBe('ECONNRESET');
    expect(copy.stack).not.toContain('s3cr3t-token');
  });
});
