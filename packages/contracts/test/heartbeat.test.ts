import { describe, expect, it } from 'vitest';
import { buildHeartbeat, ContractError, type HeartbeatInput, parseHeartbeat } from '../src/index.ts';

describe('parseHeartbeat', () => {
  it('accepts the docs spelling infoMs and yields infoMsg', () => {
    expect(parseHeartbeat({ status: 'running', infoMs: 'half way' })).toEqual({
      success: true,
      data: { status: 'running', infoMsg: 'half way' },
    });
  });

  it('prefers infoMsg when both spellings are sent', () => {
    const result = parseHeartbeat({ status: 'running', infoMs: 'old', infoMsg: 'new' });
    expect(result).toEqual({ success: true, data: { status: 'running', infoMsg: 'new' } });
  });

  it('requires failureReason when the status is failed', () => {
    expect(parseHeartbeat({ status: 'failed' })).toEqual({
      success: false,
      issues: [
        {
          path: '/failureReason',
          code: 'failure_reason_required',
          message: 'failureReason is required when status is failed',
        },
      ],
    });
  });

  it('rejects chunk_timeout, which only the platform may set', () => {
    const result = parseHeartbeat({ status: 'failed', failureReason: 'chunk_timeout' });
    expect(!result.success && result.issues[0]?.path).toBe('/failureReason');
  });

  it('rejects negative and fractional counters', () => {
    const result = parseHeartbeat({ status: 'running', bytesRead: -1, bytesWritten: 1.5 });
    expect(!result.success && result.issues.map((found) => found.path)).toEqual([
      '/bytesRead',
      '/bytesWritten',
    ]);
  });

  it('keeps keys it does not know', () => {
    expect(parseHeartbeat({ status: 'complete', percent: 100 })).toEqual({
      success: true,
      data: { status: 'complete', percent: 100 },
    });
  });

  it.each([null, 'running', [], 7])('returns an issue for %j instead of throwing', (value) => {
    expect(parseHeartbeat(value).success).toBe(false);
  });
});

describe('buildHeartbeat', () => {
  it('sends infoMsg and leaves out unset fields', () => {
    expect(
      buildHeartbeat({ status: 'running', bytesRead: 10, infoMsg: 'ok', failureMsg: undefined }),
    ).toEqual({
      status: 'running',
      bytesRead: 10,
      infoMsg: 'ok',
    });
  });

  it('builds a failed heartbeat with its reason', () => {
    expect(buildHeartbeat({ status: 'failed', failureReason: 'api_error', failureMsg: 'HTTP 502' })).toEqual({
      status: 'failed',
      failureReason: 'api_error',
      failureMsg: 'HTTP 502',
    });
  });

  it('throws a ContractError with a stable code for a failed heartbeat without reason', () => {
    const input = { status: 'failed' } as unknown as HeartbeatInput;
    expect(() => buildHeartbeat(input)).toThrow(ContractError);
    try {
      buildHeartbeat(input);
    } catch (error) {
      expect((error as ContractError).code).toBe('invalid_message');
      expect((error as ContractError).issues[0]?.code).toBe('failure_reason_required');
    }
  });
});
