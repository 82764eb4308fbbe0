#!/usr/bin/env node
// The consumer test (issue 14): engine-kit as a new user gets it, outside the workspace.
//
// 1. Packs every package with `pnpm pack` and checks each tarball's package.json, LICENSE and README.
// 2. Installs the tarballs with npm into fresh projects under the OS temp folder (third-party
//    dependencies come from the npm registry), once with the newest zod 4 and once with the lowest
//    supported one, and in each: type-checks ESM and CJS consumers with skipLibCheck: false and no
//    @types/node of their own, type-checks every ```ts block of every package README, runs every
//    package through require (CJS) and import (ESM), and checks `validate` on the 183 reference
//    examples of veritone-json-schemas@1.2.0.
// 3. Validates the same documents (and regex edge cases, and the VTN 2 examples) with Python's
//    jsonschema against the shipped JSON Schema files: the verdicts must equal `validate`'s.
// 4. Scaffolds a project of every kind with the packed create-engine-kit and runs its `npm test`
//    (which type-checks it and runs its engine through @engine-kit/toolkit), plus the library kind
//    again with the lowest zod.
//
// Usage: node tooling/consumer/run.mjs [--report FILE] [--keep] [--only NAME,...]
// The packages must be built first (`pnpm build`). Prints one line per check, then
// "consumer: N passed, M failed (S s)"; exits 1 when a check failed.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { codeBlocks, readmeProblems } from './readme.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
/** The lowest zod 4 the packages declare (`peerDependencies.zod`) and CI proves. */
const LOWEST_ZOD = '4.4.0';
/**
 * The lowest releases the runtime dependency ranges start from (`^x.y.z`), installed through npm
 * `overrides` in the "lowest" consumer and scaffolded project. Measured: ajv 8.12 has no named
 * `Ajv2020` export; zod 4.3.6 rejects all 69 valid reference examples.
 */
const LOWEST = { zod: LOWEST_ZOD, ajv: '8.13.0', graphql: '16.0.0', busboy: '1.0.0' };
const NEWEST_ZOD = '^4';
const TYPESCRIPT = '5.9.3';
const REFERENCE = 'veritone-json-schemas@1.2.0';
const KINDS = [
  { kind: 'chunk', vtn: 'v1' },
  { kind: 'stream', vtn: 'v2' },
  { kind: 'batch', vtn: 'v1' },
  { kind: 'library', vtn: 'v2' },
];
const STEP_TIMEOUT_MS = 10 * 60_000;

const { values: flags } = parseArgs({
  options: { report: { type: 'string' }, keep: { type: 'boolean' }, only: { type: 'string' } },
});
const only = flags.only ? new Set(flags.only.split(',')) : undefined;
const started = Date.now();
const results = [];

/** The environment of npm and node children: none of pnpm's or the parent script's npm_* settings. */
function childEnv() {
  const env = {
    ...process.env,
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  for (const key of Object.keys(env)) {
    if (
      /^(npm_(package|lifecycle|execpath|node_execpath|command)|npm_config_user_agent$|pnpm_|PNPM_|INIT_CWD$)/.test(
        key,
      )
    ) {
      delete env[key];
    }
  }
  // Engines under test run with development defaults (output validation on).
  delete env.NODE_ENV;
  return env;
}

function run(command, args, options = {}) {
  return new Promise((settle) => {
    const startedAt = Date.now();
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? childEnv(),
        timeout: options.timeoutMs ?? STEP_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) =>
        settle({
          ok: !error,
          code: error ? (error.code ?? error.signal) : 0,
          stdout,
          stderr,
          ms: Date.now() - startedAt,
          command: `${command} ${args.join(' ')}`,
        }),
    );
  });
}

function tail(text, lines = 40) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

async function check(name, body) {
  if (only && !only.has(name.split(':')[0])) return undefined;
  const startedAt = Date.now();
  let ok = false;
  let detail = '';
  try {
    const outcome = await body();
    ok = outcome.ok;
    detail = outcome.detail ?? '';
  } catch (error) {
    detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  results.push({ name, ok, seconds: Number(seconds), detail });
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)${detail && (!ok || detail.length < 200) ? `\n     ${detail.replaceAll('\n', '\n     ')}` : ''}`,
  );
  return ok;
}

function fromRun(result, summary) {
  return result.ok
    ? { ok: true, detail: summary?.(result) ?? '' }
    : {
        ok: false,
        detail: `${result.command} exited with ${result.code}\n${tail(`${result.stdout}\n${result.stderr}`)}`,
      };
}

async function packageDirs() {
  const dirs = [];
  for (const name of (await readdir(join(REPO, 'packages'))).sort()) {
    const manifest = join(REPO, 'packages', name, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(await readFile(manifest, 'utf8'));
    if (!pkg.private) dirs.push({ dir: name, name: pkg.name });
  }
  return dirs;
}

// ---------------------------------------------------------------------------------------------
// 1. Tarballs

/** Packs every package; returns { name, dir, tarball, extracted } for each. */
async function packAll(work, packages) {
  const tarballs = join(work, 'tarballs');
  await mkdir(tarballs, { recursive: true });
  const packed = [];
  for (const { dir, name } of packages) {
    const before = new Set(await readdir(tarballs));
    const result = await run('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: join(REPO, 'packages', dir),
    });
    if (!result.ok) throw new Error(`pnpm pack of ${name} failed\n${tail(result.stderr)}`);
    const file = (await readdir(tarballs)).find((entry) => !before.has(entry) && entry.endsWith('.tgz'));
    if (!file) throw new Error(`pnpm pack of ${name} wrote no tarball`);
    const extracted = join(work, 'extracted', dir);
    await mkdir(extracted, { recursive: true });
    const untar = await run('tar', ['-xzf', join(tarballs, file), '-C', extracted]);
    if (!untar.ok) throw new Error(`tar -xzf ${file} failed: ${untar.stderr}`);
    packed.push({ dir, name, tarball: join(tarballs, file), root: join(extracted, 'package') });
  }
  return packed;
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish'];

async function manifestProblems({ dir, name, root }) {
  const problems = [];
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const license = existsSync(join(root, 'LICENSE')) ? await readFile(join(root, 'LICENSE'), 'utf8') : '';
  if (pkg.license !== 'MIT' || !license.startsWith('MIT License'))
    problems.push('no MIT LICENSE file matching "license"');
  if (pkg.repository?.url !== 'git+https://github.com/engine-kit/engine-kit.git')
    problems.push('repository.url');
  if (pkg.repository?.directory !== `packages/${dir}`) problems.push('repository.directory');
  if (!pkg.homepage?.startsWith('https://github.com/engine-kit/engine-kit')) problems.push('homepage');
  if (!pkg.bugs?.url) problems.push('bugs.url');
  if (!pkg.author) problems.push('author');
  if (!Array.isArray(pkg.keywords) || pkg.keywords.length < 3) problems.push('keywords');
  for (const script of INSTALL_SCRIPTS)
    if (pkg.scripts?.[script]) problems.push(`install-time script "${script}"`);
  for (const [field, deps] of Object.entries({
    dependencies: pkg.dependencies ?? {},
    peerDependencies: pkg.peerDependencies ?? {},
  })) {
    for (const [dep, range] of Object.entries(deps)) {
      if (/^(workspace|file|link):/.test(range)) problems.push(`${field}.${dep} is ${range}`);
      else if (dep === '@types/node' ? !/^>=20/.test(range) : !range.startsWith('^'))
        problems.push(`${field}.${dep} "${range}" is not a caret range`);
    }
  }
  if (pkg.dependencies?.zod) problems.push('zod is a dependency, not a peer dependency');
  for (const [dep, version] of Object.entries(LOWEST)) {
    const range = pkg.dependencies?.[dep];
    if (range && range !== `^${version}`)
      problems.push(`dependencies.${dep} is ${range}; CI proves ^${version}`);
  }
  const usesZod =
    Object.keys(pkg.dependencies ?? {}).some((dep) => dep.startsWith('@engine-kit/')) ||
    name === '@engine-kit/vtn-standard';
  if (usesZod && name !== '@engine-kit/model-cache' && pkg.peerDependencies?.zod !== `^${LOWEST_ZOD}`) {
    problems.push(`peerDependencies.zod is ${pkg.peerDependencies?.zod}, not ^${LOWEST_ZOD}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 2. Consumer projects

async function createConsumer(work, label, tarballs, zodSpec) {
  const dir = join(work, label);
  await mkdir(dir, { recursive: true });
  // What `npm init -y` writes with npm 11: CommonJS by default.
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: label, version: '1.0.0', private: true, type: 'commonjs', ...(zodSpec === LOWEST_ZOD ? { overrides: LOWEST } : {}) }, null, 2)}\n`,
  );
  for (const file of ['reference-examples.cjs', 'verdicts.mjs', 'smoke.cjs', 'typed-outputs.mts']) {
    await copyFile(join(HERE, 'project', file), join(dir, file));
  }
  const install = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--save-exact',
      ...tarballs,
      `zod@${zodSpec}`,
      `typescript@${TYPESCRIPT}`,
      REFERENCE,
    ],
    { cwd: dir },
  );
  return { dir, install };
}

const CONSUMER_IMPORTS = `import * as z from 'zod';
import { validate, VtnDocumentSchema, type VtnDocument, type VtnIssue } from '@engine-kit/vtn-standard';
import { validateManifest, type EngineManifest, type ProcessRequest } from '@engine-kit/contracts';
import {
  createEngine,
  EngineError,
  ignore,
  nonVtnOutput,
  type Engine,
  type EngineDefinition,
  type ProcessContext,
} from '@engine-kit/engine';
import { exitCodeForSummary, runProcess, type ToolkitEvent, type ToolkitSummary } from '@engine-kit/toolkit';
import { startCoreEmulator } from '@engine-kit/core-emulator';
import { createLibraryClient } from '@engine-kit/library-client';
import { ModelCache } from '@engine-kit/model-cache';
import { renderProject, type ProjectFile } from 'create-engine-kit';
`;

const STRICT_CONSUMER = {
  module: 'nodenext',
  moduleResolution: 'nodenext',
  target: 'es2022',
  strict: true,
  noEmit: true,
  skipLibCheck: false,
};

async function typecheck(dir, files, compilerOptions = STRICT_CONSUMER) {
  const config = join(dir, `tsconfig.${basename(files[0]).replace(/\W+/g, '-')}.json`);
  await writeFile(config, JSON.stringify({ compilerOptions, files }, null, 2));
  return run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], {
    cwd: dir,
  });
}

/** Every installed copy of a package under a node_modules tree (nested ones included). */
async function findPackageCopies(nodeModules, name, depth = 0) {
  const found = [];
  if (depth > 8 || !existsSync(nodeModules)) return found;
  const own = join(nodeModules, name, 'package.json');
  if (existsSync(own)) found.push(own);
  for (const entry of await readdir(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const scoped = entry.name.startsWith('@')
      ? (await readdir(join(nodeModules, entry.name))).map((sub) => join(entry.name, sub))
      : [entry.name];
    for (const pkg of scoped)
      found.push(...(await findPackageCopies(join(nodeModules, pkg, 'node_modules'), name, depth + 1)));
  }
  return found;
}

async function consumerChecks(label, consumer, packed) {
  const { dir } = consumer;
  await check(`${label}: npm install of the tarballs`, async () =>
    fromRun(consumer.install, (result) => `${(result.ms / 1000).toFixed(1)} s`),
  );
  if (!consumer.install.ok) return;

  await check(
    `${label}: no @types/node of the consumer's own, yet the packages bring what their types need`,
    async () => {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
      const declared = { ...pkg.dependencies, ...pkg.devDependencies };
      return {
        ok:
          !('@types/node' in declared) &&
          existsSync(join(dir, 'node_modules', '@types', 'node', 'package.json')),
      };
    },
  );

  if (label === 'lowest') {
    await check('lowest: the lowest supported ajv, graphql, busboy and zod are installed', async () => {
      const installed = {};
      for (const dep of Object.keys(LOWEST)) {
        installed[dep] = JSON.parse(
          await readFile(join(dir, 'node_modules', dep, 'package.json'), 'utf8'),
        ).version;
      }
      const ok = Object.entries(LOWEST).every(([dep, version]) => installed[dep] === version);
      return { ok, detail: JSON.stringify(installed) };
    });
  }

  await check(
    `${label}: one copy of zod in the tree (${label === 'lowest' ? LOWEST_ZOD : 'newest 4.x'})`,
    async () => {
      const copies = await findPackageCopies(join(dir, 'node_modules'), 'zod');
      const versions = await Promise.all(
        copies.map(async (file) => JSON.parse(await readFile(file, 'utf8')).version),
      );
      const ok = copies.length === 1 && (label !== 'lowest' || versions[0] === LOWEST_ZOD);
      return {
        ok,
        detail: copies.map((file, index) => `${relative(dir, file)} ${versions[index]}`).join('\n'),
      };
    },
  );

  // One tsc program for the consumers, the typed-output check and the README blocks: with
  // skipLibCheck: false most of the time goes into checking the packages' declarations, once.
  const usage = await readFile(join(HERE, 'project', 'usage.ts.txt'), 'utf8');
  await writeFile(join(dir, 'consumer.mts'), `${CONSUMER_IMPORTS}\n${usage}`);
  await writeFile(join(dir, 'consumer.cts'), `${CONSUMER_IMPORTS}\n${usage}`);
  const readmeFiles = label === 'newest' ? await prepareReadmeBlocks(dir, packed) : new Map();
  const groups = [['consumer.mts', 'consumer.cts'], ['typed-outputs.mts'], ...readmeFiles.values()];
  const compiled = await typecheck(dir, groups.flat());
  const diagnostics = compileDiagnostics(compiled, groups.flat());

  await check(`${label}: ESM and CJS consumers type-check (skipLibCheck: false)`, async () => {
    // Errors inside the packages' own .d.ts (no file of ours) count here.
    const errors = [...diagnostics.of(['consumer.mts', 'consumer.cts']), ...diagnostics.unattributed];
    return { ok: errors.length === 0, detail: errors.join('\n') };
  });

  await check(`${label}: handler outputs are typed (a non-VTN literal does not compile)`, async () => {
    const errors = diagnostics.of(['typed-outputs.mts']);
    return { ok: errors.length === 0, detail: errors.join('\n') };
  });

  for (const [pkgDir, files] of readmeFiles) {
    await check(
      `readme:${pkgDir}: its ${files.length} TypeScript blocks compile in a fresh project`,
      async () => {
        const errors = diagnostics.of(files);
        return { ok: errors.length === 0, detail: errors.join('\n') };
      },
    );
  }

  await check(
    `${label}: every package loads with require and validate agrees with the reference (CJS)`,
    async () =>
      fromRun(await run(process.execPath, ['smoke.cjs'], { cwd: dir }), (result) => result.stdout.trim()),
  );

  // The upstream VTN 2 examples vendored by the vtn-standard tests (examples/ and invalid-examples/).
  const v2Examples = [
    join(REPO, 'packages', 'vtn-standard', 'test', 'fixtures', 'upstream-v2'),
    join(REPO, 'packages', 'vtn-standard', 'test', 'upstream-v2'),
  ].find((candidate) => existsSync(join(candidate, 'aion', 'examples')));
  const casesFile = join(dir, 'schema-cases.json');
  const verdicts = await run(
    process.execPath,
    ['verdicts.mjs', casesFile, v2Examples ?? 'no-vtn-2-examples-folder'],
    { cwd: dir },
  );
  await check(`${label}: validate agrees with the reference examples' folders (ESM)`, async () =>
    fromRun(verdicts, (result) => result.stdout.trim()),
  );
  if (existsSync(casesFile)) {
    await check(`${label}: Python jsonschema on the shipped schemas gives validate's verdicts`, async () =>
      fromRun(await run('python3', [join(HERE, 'check-schemas.py'), casesFile], { cwd: dir }), (result) =>
        result.stdout.trim().split('\n').pop(),
      ),
    );
  }
}

/** tsc's diagnostics split by file; lines of a multi-line message stay with their error. */
function compileDiagnostics(result, ownFiles) {
  const entries = [];
  for (const line of `${result.stdout}\n${result.stderr}`.split('\n')) {
    const start = /^(\S[^(]*)\([0-9]+,[0-9]+\): error /.exec(line);
    if (start) entries.push({ file: start[1], lines: [line] });
    else if (line.trim() && entries.length > 0) entries.at(-1).lines.push(line);
    else if (line.trim() && /error/.test(line)) entries.push({ file: '', lines: [line] });
  }
  const text = (list) => list.map((entry) => entry.lines.join('\n'));
  const unattributed = text(entries.filter((entry) => !ownFiles.includes(entry.file)));
  if (!result.ok && entries.length === 0) unattributed.push(tail(`${result.stdout}\n${result.stderr}`));
  return { of: (files) => text(entries.filter((entry) => files.includes(entry.file))), unattributed };
}

/**
 * Checks every shipped README's install lines and links, and writes each of its ```ts blocks as an
 * ES module of its own (as a reader pastes it into a file) for the shared tsc run.
 */
async function prepareReadmeBlocks(dir, packed) {
  await mkdir(join(dir, 'readme-blocks'), { recursive: true });
  const filesByPackage = new Map();
  for (const { name, dir: pkgDir, root } of packed) {
    const readmeFile = join(root, 'README.md');
    const readme = existsSync(readmeFile) ? await readFile(readmeFile, 'utf8') : undefined;
    await check(`readme:${pkgDir}: install lines and links work outside the monorepo`, async () => {
      if (readme === undefined) return { ok: false, detail: 'the tarball has no README.md' };
      const problems = readmeProblems(readme, name);
      return { ok: problems.length === 0, detail: problems.join('\n') };
    });
    const files = [];
    for (const [index, block] of codeBlocks(readme ?? '').entries()) {
      const file = `readme-blocks/${pkgDir}-${index + 1}-line-${block.line}.mts`;
      await writeFile(join(dir, file), `${block.code}\nexport {};\n`);
      files.push(file);
    }
    if (files.length > 0) filesByPackage.set(pkgDir, files);
  }
  return filesByPackage;
}

// ---------------------------------------------------------------------------------------------
// 4. Scaffolded projects

async function scaffoldChecks(work, consumer, tarballs) {
  const projects = join(work, 'projects');
  await mkdir(projects, { recursive: true });
  const bin = join(consumer.dir, 'node_modules', 'create-engine-kit', 'bin', 'create-engine-kit.js');
  const variants = [
    ...KINDS.map((entry) => ({ ...entry, zod: NEWEST_ZOD })),
    { kind: 'library', vtn: 'v1', zod: LOWEST_ZOD },
  ];
  for (const { kind, vtn, zod } of variants) {
    const name = `my-${kind}-engine-${vtn}${zod === LOWEST_ZOD ? '-lowest-deps' : ''}`;
    const project = join(projects, name);
    const created = await check(
      `scaffold:${name}: create-engine-kit --kind ${kind} --vtn ${vtn} --yes`,
      async () =>
        fromRun(
          await run(process.execPath, [bin, name, '--kind', kind, '--vtn', vtn, '--yes', '--no-install'], {
            cwd: projects,
          }),
        ),
    );
    if (!created) continue;
    if (zod === LOWEST_ZOD) {
      // The lowest supported releases, as a project that pins them would get.
      const file = join(project, 'package.json');
      const pkg = JSON.parse(await readFile(file, 'utf8'));
      pkg.dependencies.zod = LOWEST_ZOD;
      pkg.overrides = LOWEST;
      await writeFile(file, `${JSON.stringify(pkg, null, 2)}\n`);
    }
    const installed = await check(
      `scaffold:${name}: npm install (engine-kit from the tarballs, zod ${zod})`,
      async () =>
        fromRun(
          await run(
            'npm',
            ['install', '--no-audit', '--no-fund', '--save-exact', ...tarballs, `zod@${zod}`],
            {
              cwd: project,
            },
          ),
        ),
    );
    if (!installed) continue;
    await check(`scaffold:${name}: npm test runs the engine through the toolkit`, async () =>
      fromRun(await run('npm', ['test'], { cwd: project }), (result) =>
        (result.stdout.match(/^# (pass|fail) [0-9]+$/gm) ?? []).join(', '),
      ),
    );
    if (kind === 'chunk') {
      await check(`scaffold:${name}: npm run build writes dist/engine.js`, async () => {
        const result = await run('npm', ['run', 'build'], { cwd: project });
        return result.ok ? { ok: existsSync(join(project, 'dist', 'engine.js')) } : fromRun(result);
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'engine-kit-consumer-'));
  if (!relative(REPO, work).startsWith('..')) throw new Error(`${work} is inside the repository`);
  console.log(`consumer test in ${work}`);
  try {
    const packages = await packageDirs();
    let packed = [];
    await check('pack: pnpm pack of every package', async () => {
      packed = await packAll(work, packages);
      return {
        ok: packed.length === packages.length,
        detail: packed.map((entry) => basename(entry.tarball)).join(' '),
      };
    });
    if (packed.length !== packages.length) return;
    for (const entry of packed) {
      await check(
        `pack:${entry.dir}: package.json, LICENSE and dependency ranges are publishable`,
        async () => {
          const problems = await manifestProblems(entry);
          return { ok: problems.length === 0, detail: problems.join('\n') };
        },
      );
    }
    const tarballs = packed.map((entry) => entry.tarball);
    const newest = await createConsumer(work, 'newest', tarballs, NEWEST_ZOD);
    await consumerChecks('newest', newest, packed);
    const lowest = await createConsumer(work, 'lowest', tarballs, LOWEST_ZOD);
    await consumerChecks('lowest', lowest, packed);
    if (newest.install.ok) await scaffoldChecks(work, newest, tarballs);
  } finally {
    if (!flags.keep) await rm(work, { recursive: true, force: true });
  }
}

await main();
const passed = results.filter((result) => result.ok).length;
const failed = results.length - passed;
const seconds = Math.round((Date.now() - started) / 1000);
if (flags.report)
  await writeFile(flags.report, JSON.stringify({ passed, failed, seconds, results }, null, 2));
console.log(`consumer: ${passed} passed, ${failed} failed (${seconds} s)`);
process.exitCode = failed === 0 && results.length > 0 ? 0 : 1;
