import { spawn } from 'node:child_process';
import { CreateEngineKitError } from './errors.ts';
import {
  assertPackageName,
  type EngineKind,
  type PackageManager,
  packageNameForDirectory,
  type VtnVersion,
} from './options.ts';
import { renderProject } from './project.ts';
import { writeProject } from './write.ts';

export interface CreateEngineProjectOptions {
  directory: string;
  kind: EngineKind;
  vtn: VtnVersion;
  /** Package name; default the folder's name made valid. */
  name?: string;
  engineId?: string;
  force?: boolean;
  /** Runs `<packageManager> install` in the new folder; default false in the API. */
  install?: boolean;
  packageManager?: PackageManager;
  /** Where the install's output goes; default inherited. */
  installOutput?: 'inherit' | 'ignore';
}

export interface CreatedProject {
  directory: string;
  name: string;
  kind: EngineKind;
  vtn: VtnVersion;
  files: string[];
  installed: boolean;
}

/** Renders a project, writes it (refusing a non-empty folder without `force`) and optionally installs it. */
export async function createEngineProject(options: CreateEngineProjectOptions): Promise<CreatedProject> {
  const name =
    options.name !== undefined ? assertPackageName(options.name) : packageNameForDirectory(options.directory);
  const files = renderProject({
    name,
    kind: options.kind,
    vtn: options.vtn,
    ...(options.engineId ? { engineId: options.engineId } : {}),
  });
  const { directory, written } = await writeProject(options.directory, files, {
    force: options.force ?? false,
  });
  if (options.install)
    await installDependencies(directory, options.packageManager ?? 'npm', options.installOutput);
  return {
    directory,
    name,
    kind: options.kind,
    vtn: options.vtn,
    files: written,
    installed: options.install === true,
  };
}

function installDependencies(
  directory: string,
  packageManager: PackageManager,
  output: 'inherit' | 'ignore' = 'inherit',
) {
  return new Promise<void>((done, fail) => {
    const child = spawn(packageManager, ['install'], {
      cwd: directory,
      stdio: ['ignore', output, output],
      // npm, pnpm and yarn are .cmd shims on Windows.
      shell: process.platform === 'win32',
    });
    const failure = (reason: string, cause?: unknown) =>
      new CreateEngineKitError(
        'install_failed',
        `${packageManager} install in ${directory} ${reason}; the project is written: run it yourself.`,
        { cause },
      );
    child.on('error', (error) => fail(failure(`could not start (${error.message})`, error)));
    child.on('exit', (code, signal) =>
      code === 0 ? done() : fail(failure(signal ? `was stopped by ${signal}` : `exited with ${code}`)),
    );
  });
}
