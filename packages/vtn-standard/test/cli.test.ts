import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_SCHEMA_ROOT } from './support/reference.ts';

const launcher = join(import.meta.dirname, '..', 'bin', 'vtn-standard.js');
const children = new Set<ReturnType<typeof spawn>>();
let workDir: string;

function run(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { cwd: workDir, stdio: 'pipe' });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

const validDoc = { validationContracts: ['summary'], summary: 'A short summary' };
const invalidDoc = { validationContracts: ['summary'] };

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'vtn-standard-cli-'));
  writeFileSync(join(workDir, 'valid.json'), JSON.stringify(validDoc));
  writeFileSync(join(workDir, 'invalid.json'), JSON.stringify(invalidDoc));
  writeFileSync(join(workDir, 'broken.json'), '{ not json');
});

afterEach(() => {
  for (const child of children) child.kill();
  children.clear();
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('vtn-standard CLI (built)', () => {
  it('exits 0 when every file is valid', async () => {
    const { code, stdout } = await run(['validate', 'valid.json']);
    expect(stdout).toBe('valid.json: valid\n');
    expect(code).toBe(0);
  });

  it('exits 1 and lists the issues when a file is invalid', async () => {
    const { code, stdout } = await run(['validate', 'valid.json', 'invalid.json']);
    expect(stdout).toContain('invalid.json: invalid (1 issue)');
    expect(stdout).toContain('[summary] /summary');
    expect(code).toBe(1);
  });

  it('exits 2 with a clear message for a missing file, a non-JSON file, a bad option or an unknown contract', async () => {
    const missing = await run(['validate', 'missing.json']);
    expect(missing.stderr).toContain('cannot read missing.json: ENOENT');
    expect(missing.code).toBe(2);
    const broken = await run(['validate', 'broken.json']);
    expect(broken.stderr).toContain('broken.json is not JSON');
    expect(broken.code).toBe(2);
    const option = await run(['validate', '--nope', 'valid.json']);
    expect(option.stderr).toContain('Usage:');
    expect(option.code).toBe(2);
    const contract = await run(['validate', '--contract', 'faces', 'valid.json']);
    expect(contract.stderr).toContain('unknown contract "faces"');
    expect(contract.code).toBe(2);
    const nothing = await run(['validate']);
    expect(nothing.code).toBe(2);
  });

  it('reads stdin for "-" and prints one JSON line per file with --json', async () => {
    const { code, stdout } = await run(['validate', '--json', '-', 'valid.json'], JSON.stringify(invalidDoc));
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        file: '<stdin>',
        valid: false,
        issues: [expect.objectContaining({ path: '/summary', contract: 'summary' })],
      },
      { file: 'valid.json', valid: true, issues: [] },
    ]);
    expect(code).toBe(1);
  });

  it('applies --contract', async () => {
    const { code, stdout } = await run(['validate', '--contract', 'transcript', 'valid.json']);
    expect(stdout).toContain('[transcript]');
    expect(code).toBe(1);
  });

  it('writes the JSON Schema files with schemas --out', async () => {
    const out = join(workDir, 'schemas');
    const { code } = await run(['schemas', '--out', out]);
    expect(code).toBe(0);
    const committed = join(import.meta.dirname, '..', 'json-schema');
    const v1Files = readdirSync(committed, { withFileTypes: true }).filter((entry) => entry.isFile());
    expect(readdirSync(out).sort()).toEqual(v1Files.map((entry) => entry.name).sort());
    for (const file of readdirSync(out)) {
      expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(committed, file), 'utf8'));
    }
    expect((await run(['schemas'])).code).toBe(2);
  });

  it('reports the reference tree as a table where every verdict matches its folder', async () => {
    const { code, stdout } = await run(['report', REFERENCE_SCHEMA_ROOT]);
    expect(stdout).toMatch(/^file\s+contract\s+expected\s+verdict/);
    expect(stdout).toContain('transcript/invalid-examples/lattice.no.best.path.json');
    expect(stdout).toContain(
      '183 files: 69 valid, 114 invalid; 183 with an expected verdict, 183 as expected, 0 unexpected',
    );
    expect(code).toBe(0);
  });

  it('exits 1 from report when a verdict contradicts its folder', async () => {
    const tree = join(workDir, 'tree', 'summary', 'examples');
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(tree, 'wrong.json'), JSON.stringify(invalidDoc));
    const { code, stdout } = await run(['report', join(workDir, 'tree')]);
    expect(stdout).toContain('UNEXPECTED');
    expect(code).toBe(1);
  });
});
