import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/index.ts';

describe('parseCli options of the real-world interoperability points', () => {
  it('takes --strict into the task', () => {
    expect(parseCli(['process', '--strict', '--chunk', 'a', '--', 'e'])).toMatchObject({
      task: { strict: true },
    });
    expect((parseCli(['process', '--chunk', 'a', '--', 'e']) as { task: object }).task).not.toHaveProperty(
      'strict',
    );
  });

  it('takes --vtn-version v1|v2 into the task and refuses other versions', () => {
    expect(parseCli(['process', '--vtn-version', 'v2', '--chunk', 'a', '--', 'e'])).toMatchObject({
      task: { vtnVersion: 'v2' },
    });
    expect(() => parseCli(['process', '--vtn-version', 'v3', '--chunk', 'a', '--', 'e'])).toThrow(
      /--vtn-version must be one of v1, v2/,
    );
  });

  it('sends --core and --token with an ordinary chunk', () => {
    expect(
      parseCli(['process', '--chunk', 'a', '--core', 'http://core/', '--token', 't', '--', 'e']),
    ).toMatchObject({
      task: { veritoneApiBaseUrl: 'http://core', token: 't' },
    });
  });

  it('offers the in-memory redisET only with --redis-et memory', () => {
    expect(parseCli(['process', '--chunk', 'a', '--redis-et', 'memory', '--', 'e'])).toMatchObject({
      launch: { redisEt: 'memory' },
    });
    expect(
      (parseCli(['process', '--chunk', 'a', '--', 'e']) as { launch: object }).launch,
    ).not.toHaveProperty('redisEt');
    expect(() => parseCli(['process', '--chunk', 'a', '--redis-et', 'disk', '--', 'e'])).toThrow(
      /--redis-et/,
    );
    expect(() =>
      parseCli(['process', '--chunk', 'a', '--redis-et', 'memory', '--no-redis-et', '--', 'e']),
    ).toThrow(/contradict/);
  });
});
