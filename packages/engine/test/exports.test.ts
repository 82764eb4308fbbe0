import { describe, expect, it } from 'vitest';

describe('@engine-kit/engine exports', () => {
  it('exports exactly the documented runtime names', async () => {
    expect(Object.keys(await import('../src/index.ts')).sort()).toEqual([
      'DEFAULT_INPUT_TIMEOUTS',
      'DEFAULT_LIMITS',
      'DEFAULT_PORT',
      'DEFAULT_PROCESS_PATH',
      'DEFAULT_READY_PATH',
      'EngineError',
      'createEngine',
      'createJsonLogger',
      'ignore',
      'nonVtnOutput',
      'openInputStream',
      'resolveAddress',
      'runEngine',
    ]);
  });
});
