import { describe, expect, it } from 'vitest';
import { filterEngineEnvironment, parseEngineEnvironment } from '../src/index.ts';

describe('parseEngineEnvironment', () => {
  it('applies the defaults to an empty environment', () => {
    expect(parseEngineEnvironment({})).toEqual({
      webhookReady: undefined,
      webhookProcess: undefined,
      envWhiteList: [],
      controller: undefined,
      redisHost: undefined,
      redisPort: undefined,
      redisEnabled: false,
      testMode: false,
      disableChunkDownload: false,
      concurrentTasks: 1,
      endIfIdleSecs: 60,
      logLevel: undefined,
      engineId: undefined,
      engineInstanceId: undefined,
      issues: [],
    });
  });

  it('reads every documented variable', () => {
    const env = parseEngineEnvironment({
      VERITONE_WEBHOOK_READY: 'http://0.0.0.0:8080/readyz',
      VERITONE_WEBHOOK_PROCESS: 'http://0.0.0.0:8080/process',
      AIWARE_ENV_WHITE_LIST: ' AIWARE_BUILD_ID, AIWARE_xyz ,',
      AIWARE_CONTROLLER: 'http://controller',
      AIWARE_REDIS_HOST: 'redis',
      AIWARE_REDIS_PORT: '6379',
      VERITONE_TESTMODE: 'true',
      VERITONE_DISABLE_CHUNK_DOWNLOAD: 'TRUE',
      VERITONE_CONCURRENT_TASKS: '4',
      END_IF_IDLE_SECS: '0',
      AIWARE_LOG_LEVEL: 'debug',
      ENGINE_ID: 'e-1',
      ENGINE_INSTANCE_ID: 'inst-1',
    });
    expect(env).toMatchObject({
      webhookReady: 'http://0.0.0.0:8080/readyz',
      webhookProcess: 'http://0.0.0.0:8080/process',
      envWhiteList: ['AIWARE_BUILD_ID', 'AIWARE_xyz'],
      controller: 'http://controller',
      redisHost: 'redis',
      redisPort: 6379,
      redisEnabled: true,
      testMode: true,
      disableChunkDownload: true,
      concurrentTasks: 4,
      endIfIdleSecs: 0,
      logLevel: 'debug',
      engineId: 'e-1',
      engineInstanceId: 'inst-1',
      issues: [],
    });
  });

  it('keeps defaults and reports issues for unusable values', () => {
    const env = parseEngineEnvironment({
      AIWARE_REDIS_PORT: '70000',
      END_IF_IDLE_SECS: 'soon',
      VERITONE_TESTMODE: 'yes',
    });
    expect(env.redisPort).toBeUndefined();
    expect(env.endIfIdleSecs).toBe(60);
    expect(env.testMode).toBe(false);
    expect(env.issues.map((found) => [found.path, found.code])).toEqual([
      ['/AIWARE_REDIS_PORT', 'invalid_integer'],
      ['/VERITONE_TESTMODE', 'invalid_boolean'],
      ['/END_IF_IDLE_SECS', 'invalid_integer'],
    ]);
  });
});

describe('filterEngineEnvironment', () => {
  it('hides AIWARE_ variables unless white-listed, and always passes AIWARE_CONTROLLER', () => {
    expect(
      filterEngineEnvironment({
        PATH: '/usr/bin',
        AIWARE_ENV_WHITE_LIST: 'AIWARE_BUILD_ID,AIWARE_xyz',
        AIWARE_BUILD_ID: '42',
        AIWARE_xyz: 'x',
        AIWARE_REDIS_HOST: 'redis',
        AIWARE_CONTROLLER: 'http://controller',
        VERITONE_WEBHOOK_READY: 'http://0.0.0.0:8080/readyz',
        UNSET: undefined,
      }),
    ).toEqual({
      PATH: '/usr/bin',
      AIWARE_BUILD_ID: '42',
      AIWARE_xyz: 'x',
      AIWARE_CONTROLLER: 'http://controller',
      VERITONE_WEBHOOK_READY: 'http://0.0.0.0:8080/readyz',
    });
  });

  it('passes nothing AIWARE_ but the controller without a white list', () => {
    expect(filterEngineEnvironment({ AIWARE_SECRET: 's', AIWARE_CONTROLLER: 'c', HOME: '/root' })).toEqual({
      AIWARE_CONTROLLER: 'c',
      HOME: '/root',
    });
  });
});
