import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../src/index.ts';
import { UPSTREAM_V2_ROOT } from './support/upstream-v2.ts';

const launcher = join(import.meta.dirname, '..', 'bin', 'vtn-standard.js');
let workDir: string;

function run(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { cwd: workDir, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const face = { type: 'face', boundingPoly: [{ x: 0.5, y: 0.5 }] };
const v1Entity = {
  validationContracts: ['entity', 'face'],
  object: [{ type: 'namedEntity', label: 'Paris', mode: 'verify' }],
};

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'vtn-standard-cli-v2-'));
  writeFileSync(join(workDir, 'face.json'), JSON.stringify({ object: [face] }));
  writeFileSync(join(workDir, 'bare-face.json'), JSON.stringify({ object: [{ type: 'face' }] }));
  writeFileSync(join(workDir, 'entity.json'), JSON.stringify(v1Entity));
  writeFileSync(
    join(workDir, 'plate.json'),
    JSON.stringify({
      series: [{ startTimeMs: 0, stopTimeMs: 5, object: { type: 'licensePlate', label: 'CNH320' } }],
    }),
  );
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('vtn-standard CLI with VTN v2 (built)', { timeout: 120_000 }, () => {
  it('validates with --version v2, where object contracts apply', async () => {
    expect((await run(['validate', '--version', 'v2', 'face.json'])).code).toBe(0);
    const bare = await run(['validate', '--version', 'v2', '--json', 'bare-face.json']);
    expect(bare.code).toBe(1);
    expect(JSON.parse(bare.stdout).issues[0]).toMatchObject({
      path: '/object/0/boundingPoly',
      contract: 'aion',
    });
    expect((await run(['validate', '--version', 'v1', 'bare-face.json'])).code).toBe(0);
    expect((await run(['validate', '--version', 'v2', '--contract', 'logo', 'face.json'])).code).toBe(1);
    const usage = await run(['validate', '--version', 'v3', 'face.json']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown --version "v3"');
    expect((await run(['validate', '--version', 'v2', '--contract', 'geolocation', 'face.json'])).code).toBe(
      2,
    );
  });

  it('writes the v2 JSON Schema files with schemas --version v2', async () => {
    const out = join(workDir, 'schemas-v2');
    const { code, stdout } = await run(['schemas', '--version', 'v2', '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toContain('v2 JSON Schema files');
    const committed = join(import.meta.dirname, '..', 'json-schema', 'v2');
    expect(readdirSync(out).sort()).toEqual(readdirSync(committed).sort());
    for (const file of readdirSync(out)) {
      expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(committed, file), 'utf8'));
    }
  });

  it('reports the upstream v2 examples folder with every verdict as expected', async () => {
    const { code, stdout } = await run(['report', '--version', 'v2', join(UPSTREAM_V2_ROOT, 'aion')]);
    expect(stdout).toMatch(/^file\s+contract\s+expected\s+verdict\s+version/);
    expect(stdout).toContain(
      '226 files: 119 valid, 107 invalid; 226 with an expected verdict, 226 as expected, 0 unexpected; 1 JSON Schema files skipped',
    );
    expect(code).toBe(0);
  });

  it('upgrades v1 files to FILE.v2.json, listing changes and what it could not map', async () => {
    const { code, stdout } = await run(['upgrade', '--json', 'entity.json', 'plate.json']);
    const [entity, plate] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(entity).toMatchObject({ file: 'entity.json', valid: false });
    expect(entity.changes.map((change: { path: string }) => change.path)).toEqual([
      '/$schema',
      '/validationContracts/1',
      '/object/0/vendor/mode',
    ]);
    expect(entity.unmapped).toEqual([expect.objectContaining({ path: '/object/0/objectCategory' })]);
    expect(plate).toMatchObject({ valid: true });
    const written = JSON.parse(readFileSync(join(workDir, 'plate.v2.json'), 'utf8'));
    expect(written.series[0].object.licensePlate).toEqual({ number: 'CNH320' });
    expect(validate(written).success).toBe(true);
    expect(code).toBe(1);
    const piped = await run(['upgrade', '-'], JSON.stringify({ object: [face] }));
    expect(JSON.parse(piped.stdout)).toEqual({
      $schema: 'https://get.aiware.com/schemas/v2/aion/schema.json',
      object: [face],
    });
    expect(piped.stderr).toContain('<stdin> -> <stdout>: valid v2');
    expect(piped.code).toBe(0);
  });
});
