import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ConsumerCompileResult {
  ok: boolean;
  /** tsc's diagnostics, empty when the consumer compiled. */
  output: string;
}

/**
 * Compiles a small consumer program against a package's *built* declarations, the way
 * a user's project would see them: the package is linked into a fresh `node_modules`,
 * and `consumer.mts` (ESM) and `consumer.cts` (CJS) are checked with
 * `module: nodenext`, so both the `import` and the `require` conditions are exercised.
 */
export function compileConsumer(options: {
  packageName: string;
  packageDir: string;
  esmSource: string;
  cjsSource: string;
}): ConsumerCompileResult {
  const declarations = join(resolve(options.packageDir), 'dist', 'index.d.ts');
  if (!existsSync(declarations)) {
    return {
      ok: false,
      output: `${declarations} does not exist: build first (pnpm --filter ${options.packageName}... build)`,
    };
  }
  const workDir = mkdtempSync(join(tmpdir(), 'engine-kit-consumer-'));
  try {
    const scopeDir = join(workDir, 'node_modules', dirname(options.packageName));
    mkdirSync(scopeDir, { recursive: true });
    symlinkSync(resolve(options.packageDir), join(workDir, 'node_modules', options.packageName), 'dir');
    writeFileSync(join(workDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    writeFileSync(join(workDir, 'consumer.mts'), options.esmSource);
    writeFileSync(join(workDir, 'consumer.cts'), options.cjsSource);
    writeFileSync(
      join(workDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules', '@types')],
        },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    try {
      execFileSync(
        process.execPath,
        [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', workDir],
        {
          encoding: 'utf8',
          stdio: 'pipe',
        },
      );
      return { ok: true, output: '' };
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
