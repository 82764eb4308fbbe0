export { parseCreateArgs, USAGE, type CreateArgs } from './args.ts';
export { createEngineProject, type CreatedProject, type CreateEngineProjectOptions } from './create.ts';
export { CreateEngineKitError, type CreateEngineKitErrorCode } from './errors.ts';
export {
  DEFAULT_DIRECTORY,
  DEFAULT_KIND,
  DEFAULT_VTN,
  detectPackageManager,
  ENGINE_KINDS,
  type EngineKind,
  packageNameForDirectory,
  PACKAGE_MANAGERS,
  type PackageManager,
  VTN_VERSIONS,
  type VtnVersion,
} from './options.ts';
export { renderProject, type ProjectFile, type ProjectOptions } from './project.ts';
export { askChoices, type Choices, type PromptStreams } from './prompt.ts';
export { runCreateCli, type CliStreams } from './run-cli.ts';
export { writeProject } from './write.ts';
