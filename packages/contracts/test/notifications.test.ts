import { describe, expect, it } from 'vitest';
import { buildNotificationUrl, notificationHeaders, parseNotificationUrl } from '../src/index.ts';

const params = {
  internalJobID: 'ij-1',
  internalTaskID: 'it-1',
  jobID: 'j-1',
  taskID: 't-1',
  chunkID: 'c-1',
  timestamp: 1732262400000,
};

describe('buildNotificationUrl', () => {
  it('follows the seed pattern exactly, with / (not ?) before the first key', () => {
    expect(buildNotificationUrl('http://notify.local:8000/hook', params)).toBe(
      'http://notify.local:8000/hook/internalJobID=ij-1&internalTaskID=it-1&jobID=j-1&taskID=t-1&chunkID=c-1&timestamp=1732262400000',
    );
  });

  it('does not double the slash after a uri ending in /', () => {
    expect(buildNotificationUrl('http://n/hook/', params)).toMatch(/^http:\/\/n\/hook\/internalJobID=/);
  });

  it('percent-encodes values so & and = cannot break the pattern', () => {
    const url = buildNotificationUrl('http://n', { ...params, chunkID: 'a&b=c' });
    expect(url).toContain('chunkID=a%26b%3Dc');
    expect(parseNotificationUrl(url)).toMatchObject({
      success: true,
      data: { params: { chunkID: 'a&b=c' } },
    });
  });
});

describe('parseNotificationUrl', () => {
  it('splits the url back into uri and parameters', () => {
    expect(parseNotificationUrl(buildNotificationUrl('http://n/hook', params))).toEqual({
      success: true,
      data: { uri: 'http://n/hook', params: { ...params, timestamp: '1732262400000' } },
    });
  });

  it('reports missing parameters', () => {
    const result = parseNotificationUrl('http://n/hook/internalJobID=1&jobID=2');
    expect(!result.success && result.issues.map((found) => found.path)).toEqual([
      '/internalTaskID',
      '/taskID',
      '/chunkID',
      '/timestamp',
    ]);
  });

  it('reports a url without the pattern', () => {
    expect(parseNotificationUrl('http://n/hook?internalJobID=1')).toMatchObject({ success: false });
  });
});

describe('notificationHeaders', () => {
  it('turns chunk-metadata-x-aiware-* fields into x-aiware-* headers', () => {
    expect(
      notificationHeaders({
        'chunk-metadata-x-aiware-chunk-timestamp': '1732262400000',
        'chunk-metadata-camera': 'gate-3',
        'X-Aiware-Trace': 'abc',
      }),
    ).toEqual({ 'x-aiware-chunk-timestamp': '1732262400000', 'x-aiware-trace': 'abc' });
  });

  it('leaves out values that cannot be sent as a header', () => {
    const headers = notificationHeaders({ 'x-aiware-evil': 'a\r\nx-injected: 1', 'x-aiware-bad name': 'v' });
    expect(headers).toEqual({});
    expect(() => new Headers(notificationHeaders({ 'x-aiware-ok': ' spaced ' }))).not.toThrow();
  });
});
