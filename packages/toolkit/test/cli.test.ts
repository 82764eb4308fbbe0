import type { AddressInfo } from 'node:net';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCli } from '../src/index.ts';
import { fixture, makePng, readLog, runCli as runBuiltCli, spawnCli, tempDir, writePng } from './helpers.ts';

// These tests run the built CLI (`pnpm --filter @engine-kit/toolkit build` first, as `pnpm test` does).
let workspace: { dir: string; cleanup: () => void };
beforeEach(() => {
  workspace = tempDir();
});
afterEach(() => workspace.cleanup());

const engineLog = () => ({ FIXTURE_LOG: join(workspace.dir, 'engine.log') });
const runCli = (args: string[], env: NodeJS.ProcessEnv = {}) => runBuiltCli(args, { ...engineLog(), ...env });

describe('engine-toolkit CLI (built)', () => {
  it('process prints a JSON summary and exits 0 for a completed chunk', async () => {
    const chunk = writePng(workspace.dir, 32, 16);
    const result = await runCli([
      'process',
      '--chunk',
      chunk,
      '--payload',
      '{"threshold":1}',
      '--start-ms',
      '500',
      '--end-ms',
      '900',
      '--metadata',
      'x-aiware-chunk-timestamp=42',
      '--',
      ...fixture('sync-engine.mjs'),
    ]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'complete', responseKind: 'vtn', validationIssues: [] });
    expect(summary.outputs[0].output.series[0]).toMatchObject({ startTimeMs: 500, stopTimeMs: 900 });
    expect(summary.fields).toMatchObject({
      width: '32',
      height: '16',
      'chunk-metadata-x-aiware-chunk-timestamp': '42',
    });
    expect(summary.timings.readyMs).toBeGreaterThanOrEqual(0);
    const [entry] = readLog(join(workspace.dir, 'engine.log')).filter((line) => line.event === 'process');
    expect(JSON.parse((entry!.fields as Record<string, string>).payload!)).toEqual({ threshold: 1 });
  });

  it('warns on stderr and exits 0 for invalid VTN, and exits 1 with --strict', async () => {
    const chunk = writePng(workspace.dir, 8, 8);
    const lenient = await runCli(['process', '--chunk', chunk, '--', ...fixture('invalid-engine.mjs')]);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout)).toMatchObject({ status: 'complete', invalidOutputs: 1 });
    expect(lenient.stderr).toMatch(/warning: 1 of 1 output\(s\) are NOT valid VTN standard/);
    const result = await runCli([
      'process',
      '--strict',
      '--chunk',
      chunk,
      '--',
      ...fixture('invalid-engine.mjs'),
    ]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.failureReason).toBe('invalid_data');
    expect(summary.validationIssues.length).toBeGreaterThan(0);
  }, 60_000);

  it('exits 0 for an ignored chunk and 1 for a crashed engine', async () => {
    const chunk = writePng(workspace.dir, 8, 8);
    const ignored = await runCli(['process', '--chunk', chunk, '--', ...fixture('ignore-engine.mjs')]);
    expect(ignored.code).toBe(0);
    expect(JSON.parse(ignored.stdout).status).toBe('ignored');
    const crashed = await runCli(['process', '--chunk', chunk, '--', ...fixture('crash-engine.mjs')]);
    expect(crashed.code).toBe(1);
    expect(JSON.parse(crashed.stdout).failureReason).toBe('system_error');
  });

  it('train runs library-train against the core URL', async () => {
    const result = await runCli([
      'train',
      '--core',
      'http://127.0.0.1:9/',
      '--token',
      't0k',
      '--library-id',
      'lib',
      '--library-engine-model-id',
      'lem',
      '--',
      ...fixture('library-engine.mjs'),
    ]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'complete', mode: 'library-train' });
    expect(summary.fields).toMatchObject({
      veritoneApiBaseUrl: 'http://127.0.0.1:9',
      token: '[redacted]',
      libraryId: 'lib',
    });
    expect(result.stdout).not.toContain('t0k');
    const [entry] = readLog(join(workspace.dir, 'engine.log')).filter((line) => line.event === 'process');
    expect((entry!.fields as Record<string, string>).token).toBe('t0k');
    expect(JSON.parse(summary.fields.payload)).toEqual({
      mode: 'library-train',
      libraryId: 'lib',
      libraryEngineModelId: 'lem',
    });
  });

  it('prints the help of one subcommand with COMMAND --help', async () => {
    const processHelp = await runCli(['process', '--help']);
    expect(processHelp.code).toBe(0);
    expect(processHelp.stdout).toMatch(/^Usage:\n {2}engine-toolkit process --chunk FILE/);
    expect(processHelp.stdout).toContain('--segment-ms N');
    const trainHelp = await runCli(['train', '--help']);
    expect(trainHelp.stdout).toMatch(/^Usage:\n {2}engine-toolkit train --core URL/);
    expect(trainHelp.stdout).not.toContain('--segment-ms');
    const general = await runCli(['--help']);
    expect(general.stdout).toContain('engine-toolkit COMMAND --help');
  });

  it('prints progress to stderr with --progress: ready, each /process call, outputs, the final status', async () => {
    const chunk = writePng(workspace.dir, 8, 8);
    const result = await runCli([
      'process',
      '--chunk',
      chunk,
      '--progress',
      '--',
      ...fixture('sync-engine.mjs'),
    ]);
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('engine-toolkit: '));
    expect(lines[0]).toMatch(/starting .* and waiting for its ready webhook/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^engine-toolkit: \/process call 1: HTTP 200, vtn, \d+ ms$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/output 0 from process-response: application\/json, valid VTN \(1 series\)/),
    );
    expect(lines.at(-1)).toMatch(/^engine-toolkit: complete in /);
    const quiet = await runCli(['process', '--chunk', chunk, '--quiet', '--', ...fixture('sync-engine.mjs')]);
    expect(quiet.stderr).not.toContain('/process call');
  });

  it('train shows the model as the core has it afterwards, without the signed dataUrl query', async () => {
    const requests: { authorization?: string; body: string }[] = [];
    const core = createServer((request, response) => {
      let body = '';
      request.on('data', (data) => {
        body += data;
      });
      request.on('end', () => {
        requests.push({ authorization: request.headers.authorization, body });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            data: {
              libraryEngineModel: {
                id: 'lem',
                libraryId: 'lib',
                trainStatus: 'complete',
                dataUrl: 'http://models.test/lem.bin?X-Amz-Signature=s3cr3t',
                contentType: 'application/octet-stream',
                jsondata: { hashes: 18 },
              },
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => core.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = core.address() as AddressInfo;
      const result = await runCli([
        'train',
        '--core',
        `http://127.0.0.1:${port}`,
        '--token',
        't0k',
        '--library-id',
        'lib',
        '--library-engine-model-id',
        'lem',
        '--',
        ...fixture('library-engine.mjs'),
      ]);
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout);
      expect(summary.model).toEqual({
        id: 'lem',
        libraryId: 'lib',
        trainStatus: 'complete',
        dataUrl: 'http://models.test/lem.bin?[redacted]',
        contentType: 'application/octet-stream',
        jsondata: { hashes: 18 },
      });
      expect(result.stdout).not.toContain('s3cr3t');
      expect(requests.at(-1)).toMatchObject({ authorization: 'Bearer t0k' });
      expect(JSON.parse(requests.at(-1)!.body).variables).toEqual({ id: 'lem' });
    } finally {
      await new Promise((resolve) => core.close(resolve));
    }
  });

  it('exits 2 with usage help on a bad command line', async () => {
    const result = await runCli(['process', '--chunk', 'x.png']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no engine command');
    expect(result.stdout).toBe('');
  });
});

/** Starts the built CLI's console and resolves with its URL once it prints it. */
async function startConsoleCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawnCli([...args, '--', ...fixture('sync-engine.mjs')], { ...engineLog(), ...env });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (data) => {
      stderr += data;
      const match = /test console at (http:\/\/\S+?)\/ /.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.on('close', () => reject(new Error(`console exited early: ${stderr}`)));
  });
  return { child, closed, url };
}

/** A GET with a chosen Host header (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/api/defaults`, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('engine-toolkit console (built)', () => {
  it('serves the console for VERITONE_TESTMODE=true and stops the engine on SIGTERM', async () => {
    const { child, closed, url } = await startConsoleCli(['--port', '0'], { VERITONE_TESTMODE: 'true' });
    try {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Engine Toolkit Test Console');
      expect(await (await fetch(`${url}/api/ready`)).json()).toEqual({ status: 200 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
    expect(readLog(join(workspace.dir, 'engine.log'))).toEqual([{ event: 'sigterm' }]);
  });

  it('takes --max-upload-mb and --allowed-host from the command line', async () => {
    const { child, closed, url } = await startConsoleCli([
      'console',
      ...['--port', '0', '--max-upload-mb', '1', '--allowed-host', 'dev.example'],
    ]);
    try {
      expect(await getWithHost(url, 'dev.example')).toBe(200);
      expect(await getWithHost(url, 'other.example')).toBe(403);
      const form = new FormData();
      form.append('chunk', new Blob([new Uint8Array(1024 * 1024 + 1)]), 'big.bin');
      const refused = await fetch(`${url}/api/process`, { method: 'POST', body: form });
      expect(refused.status).toBe(413);
      expect(await refused.json()).toMatchObject({ code: 'file_too_large' });
      const fits = new FormData();
      fits.append('chunk', new Blob([new Uint8Array(makePng(8, 8))], { type: 'image/png' }), 'small.png');
      expect((await fetch(`${url}/api/process`, { method: 'POST', body: fits })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
  });
});

describe('parseCli', () => {
  it('parses run with library options and a chunk', () => {
    const command = parseCli([
      'run',
      '--core',
      'http://core',
      '--token',
      't',
      '--library-id',
      'l',
      '--library-engine-model-id',
      'm',
      '--chunk',
      'a.png',
      '--notify',
      'http://n1',
      '--notify',
      'http://n2',
      '--',
      'python',
      'engine.py',
      '--flag',
    ]);
    expect(command).toMatchObject({
      name: 'run',
      launch: { command: ['python', 'engine.py', '--flag'] },
      task: {
        chunk: { path: 'a.png' },
        veritoneApiBaseUrl: 'http://core',
        notifyUris: ['http://n1', 'http://n2'],
        payload: { mode: 'library-run', libraryId: 'l', libraryEngineModelId: 'm' },
      },
    });
  });

  it('starts the console for a bare command when VERITONE_TESTMODE=true', () => {
    expect(parseCli(['--', 'node', 'e.js'], { VERITONE_TESTMODE: 'true' })).toMatchObject({
      name: 'console',
      port: 9090,
    });
    expect(() => parseCli(['--', 'node', 'e.js'], {})).toThrow(/missing command/);
  });

  it('takes the console limits only for the console', () => {
    expect(
      parseCli([
        'console',
        '--max-upload-mb',
        '2.5',
        '--allowed-host',
        'a',
        '--allowed-host',
        'b',
        '--',
        'e',
      ]),
    ).toMatchObject({ name: 'console', maxUploadBytes: 2.5 * 1024 * 1024, allowedHosts: ['a', 'b'] });
    expect(parseCli(['console', '--', 'e'])).not.toHaveProperty('maxUploadBytes');
    expect(() => parseCli(['console', '--max-upload-mb', '0', '--', 'e'])).toThrow(/more than 0/);
    expect(() => parseCli(['process', '--chunk', 'a', '--allowed-host', 'a', '--', 'e'])).toThrow(
      /--allowed-host is an option of console/,
    );
  });

  it('rejects bad payloads, numbers and missing library options with usage errors', () => {
    expect(() => parseCli(['process', '--chunk', 'a', '--payload', '[1]', '--', 'e'])).toThrow(/JSON object/);
    // Any mode other than the two library modes is ordinary work; a library mode without its ids is not.
    expect(() =>
      parseCli(['process', '--chunk', 'a', '--payload', '{"mode":"library-run"}', '--', 'e']),
    ).toThrow(/not a valid task payload/);
    expect(() => parseCli(['process', '--chunk', 'a', '--max-ttl', 'soon', '--', 'e'])).toThrow(/--max-ttl/);
    expect(() => parseCli(['train', '--core', 'x', '--', 'e'])).toThrow(
      /--token, --library-id, --library-engine-model-id/,
    );
    expect(() => parseCli(['process', '--', 'e'])).toThrow(/--chunk/);
  });

  it('honours VERITONE_DISABLE_CHUNK_DOWNLOAD', () => {
    const command = parseCli(['process', '--chunk', 'a', '--', 'e'], {
      VERITONE_DISABLE_CHUNK_DOWNLOAD: 'true',
    });
    expect(command).toMatchObject({ task: { disableChunkDownload: true } });
  });
});
