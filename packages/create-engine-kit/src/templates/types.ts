import type { EngineKind, VtnVersion } from '../options.ts';

export interface TemplateInput {
  name: string;
  kind: EngineKind;
  vtn: VtnVersion;
  engineId: string;
}

/** What one engine kind adds to the common project files. */
export interface KindTemplate {
  /** `src/`, `test/` and `samples/` files of the kind. */
  files: { path: string; contents: string }[];
  /** One line for the README and the package description. */
  summary: string;
  /** Scripts of this kind (for example `process`: one run through `engine-toolkit`). */
  scripts: Record<string, string>;
  /** Manifest fields of this kind. */
  manifest: Record<string, unknown>;
  /** Extra devDependencies by package name (ranges). */
  devDependencies?: Record<string, string>;
  /** README paragraphs on how the engine works. */
  howItWorks: string;
}
