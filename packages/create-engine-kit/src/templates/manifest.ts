import type { KindTemplate, TemplateInput } from './types.ts';

/** A manifest `validateManifest` of `@engine-kit/contracts` accepts, with the kind's own fields. */
export function manifest(input: TemplateInput, template: KindTemplate): string {
  return `${JSON.stringify(
    {
      engineId: input.engineId,
      ...template.manifest,
      outputFormats: ['application/json'],
      clusterSize: 'small',
      initialConcurrency: 1,
      maxConcurrency: 4,
      maxFileMb: 10,
      minMemoryRequired: 256,
      releaseNotes: `First release of ${input.name}.`,
    },
    null,
    2,
  )}\n`;
}
