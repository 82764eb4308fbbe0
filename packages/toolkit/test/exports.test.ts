import { describe, expect, it } from 'vitest';

describe('@engine-kit/toolkit exports', () => {
  it('exports exactly the documented API', async () => {
    expect(Object.keys(await import('../src/index.ts')).sort()).toEqual([
      'DEFAULT_RETRY_POLICY',
      'MemoryKeyValueStore',
      'RedisKeyValueStore',
      'ToolkitError',
      'USAGE',
      'exitCodeForSummary',
      'handleKeysRequest',
      'parseCli',
      'parseKeysPath',
      'parseRangeHeader',
      'parseTtl',
      'readImageSize',
      'readyPollDelayMs',
      'redisSettingsFromEnv',
      'retryDelayMs',
      'runProcess',
      'startConsole',
      'startEngineProcess',
      'startEngineSession',
      'startToolkit',
      'waitForReady',
    ]);
  });
});
