import { randomUUID } from 'node:crypto';
import type { EngineKind, VtnVersion } from './options.ts';
import { batchTemplate } from './templates/batch.ts';
import { chunkTemplate } from './templates/chunk.ts';
import { dockerfile, gitignore, packageJson, readme, tsconfig, tsconfigBuild } from './templates/common.ts';
import { libraryTemplate } from './templates/library.ts';
import { manifest } from './templates/manifest.ts';
import { streamTemplate } from './templates/stream.ts';
import type { KindTemplate, TemplateInput } from './templates/types.ts';

export interface ProjectOptions {
  /** npm package name of the new project. */
  name: string;
  kind: EngineKind;
  vtn: VtnVersion;
  /** `engineId` of the manifest; a random UUID (replace it with the id Veritone gives the engine). */
  engineId?: string;
}

/** One file of a generated project: a POSIX path relative to the project folder and its text. */
export interface ProjectFile {
  path: string;
  contents: string;
}

const KIND_TEMPLATES: Readonly<Record<EngineKind, (input: TemplateInput) => KindTemplate>> = {
  chunk: chunkTemplate,
  stream: streamTemplate,
  batch: batchTemplate,
  library: libraryTemplate,
};

/** Every file of a new engine project, in a stable order. Pure: nothing is written. */
export function renderProject(options: ProjectOptions): ProjectFile[] {
  const input: TemplateInput = {
    name: options.name,
    kind: options.kind,
    vtn: options.vtn,
    engineId: options.engineId ?? randomUUID(),
  };
  const template = KIND_TEMPLATES[options.kind](input);
  const files: ProjectFile[] = [
    { path: 'package.json', contents: packageJson(input, template) },
    { path: 'tsconfig.json', contents: tsconfig() },
    { path: 'tsconfig.build.json', contents: tsconfigBuild() },
    { path: 'manifest.json', contents: manifest(input, template) },
    { path: 'Dockerfile', contents: dockerfile(input) },
    { path: '.gitignore', contents: gitignore() },
    { path: '.dockerignore', contents: gitignore() },
    { path: 'README.md', contents: readme(input, template) },
    ...template.files,
  ];
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
