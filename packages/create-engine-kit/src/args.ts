import { parseArgs } from 'node:util';
import { CreateEngineKitError } from './errors.ts';
import {
  ENGINE_KINDS,
  type EngineKind,
  isEngineKind,
  isPackageManager,
  isVtnVersion,
  PACKAGE_MANAGERS,
  type PackageManager,
  VTN_VERSIONS,
  type VtnVersion,
} from './options.ts';

export const USAGE = `Usage: npm create engine-kit@latest [DIR] -- [options]
       pnpm create engine-kit [DIR] [options]
       create-engine-kit [DIR] [options]

Writes a tested Veritone aiWARE engine project into DIR (asked for when omitted).

Options:
  --kind KIND             ${ENGINE_KINDS.join(' | ')} (asked for when omitted)
  --vtn VERSION           ${VTN_VERSIONS.join(' | ')}: VTN standard version of the output (asked for when omitted)
  --name NAME             package name (default: the folder's name)
  --yes, -y               take the defaults for everything not given; never ask
  --force                 write into a folder that is not empty (files of the same name are replaced)
  --no-install            do not install the dependencies
  --package-manager PM    ${PACKAGE_MANAGERS.join(' | ')} (default: the one that runs create)
  --help, -h              this text
  --version, -v           the version of create-engine-kit

Without a terminal (CI), pass --yes or every option: nothing is asked.`;

export interface CreateArgs {
  directory?: string;
  kind?: EngineKind;
  vtn?: VtnVersion;
  name?: string;
  yes: boolean;
  force: boolean;
  install: boolean;
  packageManager?: PackageManager;
  help: boolean;
  version: boolean;
}

/** Parses the command line; unknown options and bad values are `usage` errors naming the fix. */
export function parseCreateArgs(argv: readonly string[]): CreateArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new CreateEngineKitError('usage', `${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new CreateEngineKitError(
      'usage',
      `one project folder at most, got ${positionals.join(' ')}\n\n${USAGE}`,
    );
  }
  const kind = values.kind;
  if (kind !== undefined && !isEngineKind(kind)) {
    throw new CreateEngineKitError(
      'invalid_option',
      `--kind must be one of ${ENGINE_KINDS.join(', ')}; got "${kind}".`,
    );
  }
  const vtn = values.vtn;
  if (vtn !== undefined && !isVtnVersion(vtn)) {
    throw new CreateEngineKitError(
      'invalid_option',
      `--vtn must be one of ${VTN_VERSIONS.join(', ')}; got "${vtn}".`,
    );
  }
  const packageManager = values['package-manager'];
  if (packageManager !== undefined && !isPackageManager(packageManager)) {
    throw new CreateEngineKitError(
      'invalid_option',
      `--package-manager must be one of ${PACKAGE_MANAGERS.join(', ')}; got "${packageManager}".`,
    );
  }
  return {
    ...(positionals[0] !== undefined ? { directory: positionals[0] } : {}),
    ...(kind !== undefined ? { kind } : {}),
    ...(vtn !== undefined ? { vtn } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(packageManager !== undefined ? { packageManager } : {}),
    yes: values.yes === true,
    force: values.force === true,
    install: values['no-install'] !== true,
    help: values.help === true,
    version: values.version === true,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      kind: { type: 'string' },
      vtn: { type: 'string' },
      name: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      force: { type: 'boolean' },
      'no-install': { type: 'boolean' },
      'package-manager': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
