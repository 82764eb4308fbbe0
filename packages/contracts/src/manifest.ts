import { z } from 'zod';
import { type ContractIssue, fromZodIssues, issue, isRecord } from './common/issues.ts';
import { nearestKey } from './common/nearest.ts';

export const CLUSTER_SIZES = ['small', 'medium', 'large'] as const;
export const ENGINE_MODES = ['legacy', 'batch', 'chunk', 'stream'] as const;

/**
 * Every optional field also takes `null`: the platform's own build records and the manifests in
 * Veritone's docs write `null` for what is not set (`"supportedInputFormats": null`).
 */
const unset = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
const stringList = (description: string) => unset(z.array(z.string()).meta({ description }));
const idLike = (description: string) => unset(z.union([z.string(), z.int()]).meta({ description }));
const text = (description: string) => unset(z.string().meta({ description }));
const flag = (description: string) => unset(z.boolean().meta({ description }));

export const ManifestInputOptionSchema = z.looseObject({
  name: z.string().min(1),
  label: z.string().optional(),
  type: z.string().optional(),
  defaultValue: z.unknown().optional(),
  info: z.string().optional(),
  options: z.record(z.string(), z.string()).optional(),
});

/**
 * `/var/manifest.json`, which describes an engine build. Only `engineId` is required: the docs say a
 * build without the proper `engineId` is not registered, while the platform assumes defaults for the
 * rest (the 13 manifests of Veritone's engine-category docs have no `category`; the category comes
 * from the engine's record). Every field present must be well-typed. Unknown keys are kept, and
 * {@link validateManifest} reports them as warnings (two published samples misspell
 * `initialConcurrency`; the platform ignores what it does not know).
 */
export const EngineManifestSchema = z
  .looseObject({
    $schema: text('Editor hint; ignored by the platform.'),
    engineId: z.string().min(1).meta({ description: 'ID of the engine in the Veritone developer app.' }),
    category: text('Engine category (cognitive) or pull/push (adapters); the engine record has it too.'),
    preferredInputFormat: text('Preferred input MIME type.'),
    supportedInputFormats: stringList('Every input MIME type the engine supports.'),
    outputFormats: stringList('MIME types the engine outputs.'),
    clusterSize: unset(
      z.enum(CLUSTER_SIZES).meta({ description: 'small (512 MB), medium (2 GB) or large (6 GB).' }),
    ),
    engineMode: unset(
      z
        .union([z.enum(ENGINE_MODES), z.int().min(0).max(3)])
        .meta({ description: 'legacy, batch, chunk or stream (older docs: 0 to 3 in that order).' }),
    ),
    initialConcurrency: unset(
      z.int().nonnegative().meta({ description: 'Instances started at first (default 50).' }),
    ),
    maxConcurrency: unset(z.int().positive().meta({ description: 'Most instances at once (default 50).' })),
    maxFileMb: unset(
      z
        .number()
        .nonnegative()
        .meta({ description: 'Largest input file, in megabytes (0: no limit, as the docs write it).' }),
    ),
    minMediaLengthMs: unset(z.int().nonnegative().meta({ description: 'Shortest media, in ms.' })),
    maxMediaLengthMs: unset(
      z.int().nonnegative().meta({ description: 'Longest media, in ms (0: no limit).' }),
    ),
    trainableViaApi: flag('Whether an API is available for training.'),
    supportedLanguages: stringList('ISO 639-1 codes of supported languages.'),
    gpuSupported: text('Supported GPU codes, e.g. P2 ("" for none).'),
    minMemoryRequired: unset(z.number().nonnegative().meta({ description: 'Minimum RAM in MB.' })),
    inputEncoding: text('Input encoding, as named by ffmpeg -encoders.'),
    url: text('Web page about the engine.'),
    externalCalls: stringList('Domains the engine calls over the internet.'),
    libraries: stringList('Libraries the engine depends on.'),
    releaseNotes: text('What changed in this build (plain text).'),
    inputOptions: unset(
      z.array(ManifestInputOptionSchema).meta({ description: 'Options offered to users.' }),
    ),
    sourceType: idLike('Adapters: the source type the adapter is tied to.'),
    supportedSourceTypes: unset(z.array(z.int()).meta({ description: 'Adapters: supported source types.' })),
    sourceId: idLike('Adapters: the source the adapter is tied to.'),
    schemaId: idLike('Adapters: the structured-data schema supported.'),
    schedule: text('Adapters: supported schedule types.'),
    oauth: unset(z.union([z.string(), z.number()]).meta({ description: 'Adapters: OAuth version.' })),
    ingestion: unset(
      z
        .looseObject({
          scanner: flag('Adapters: whether the adapter scans.'),
          supportsLiveStreams: flag('Adapters: whether the adapter ingests live streams.'),
          supportedSourceTypes: unset(z.array(z.int())),
        })
        .meta({ description: "Adapters: ingestion settings, as the docs' example manifest shows them." }),
    ),
    isPublic: flag('Whether the engine is public (written by the platform).'),
    categories: unset(z.array(z.unknown()).meta({ description: 'Written by the platform.' })),
    customProfile: text('Written by the platform.'),
    serverCountry: text('Written by the platform.'),
    volumeProfile: text('Written by the platform.'),
    isCJISCompliant: flag('Written by the platform.'),
    whitelistOrgIds: stringList('Written by the platform.'),
    fedRampImpactLevel: unset(z.int().nonnegative().meta({ description: 'Written by the platform.' })),
    sourceFileDeletion: flag('Written by the platform.'),
  })
  .meta({ title: 'EngineManifest', description: 'The engine build manifest, /var/manifest.json.' });
export type EngineManifest = z.infer<typeof EngineManifestSchema>;

export const ENGINE_MANIFEST_KEYS: readonly string[] = Object.keys(EngineManifestSchema.shape);

/**
 * Keys the docs mark as required whose absence the platform papers over with defaults: a manifest
 * without them is valid, with a warning.
 */
const RECOMMENDED_KEYS = ['preferredInputFormat', 'outputFormats', 'clusterSize'] as const;

/** The verdict of {@link validateManifest}: `warnings` name what is off without making it invalid. */
export type ManifestValidation =
  | { success: true; data: EngineManifest; warnings: ContractIssue[] }
  | { success: false; issues: ContractIssue[]; warnings: ContractIssue[] };

/**
 * Validates a parsed `manifest.json`: valid when `engineId` is there and every field present is
 * well-typed. Warnings: an unknown key (`unknown_key`, naming the nearest known key when it looks
 * like a misspelling, e.g. `initalConcurrency`), and a missing key the docs call required but the
 * platform defaults (`missing_recommended_key`). Never throws.
 */
export function validateManifest(json: unknown): ManifestValidation {
  if (!isRecord(json)) {
    return {
      success: false,
      issues: [issue('', 'invalid_type', 'manifest.json must hold a JSON object')],
      warnings: [],
    };
  }
  const warnings = [
    ...unknownKeyWarnings(Object.keys(json).filter((key) => !ENGINE_MANIFEST_KEYS.includes(key))),
    ...RECOMMENDED_KEYS.filter((key) => json[key] === undefined).map((key) =>
      issue(
        `/${key}`,
        'missing_recommended_key',
        `"${key}" is missing; the docs mark it required and the platform assumes a default`,
      ),
    ),
  ];
  const result = EngineManifestSchema.safeParse(json);
  if (result.success) return { success: true, data: result.data, warnings };
  return { success: false, issues: fromZodIssues(result.error.issues), warnings };
}

function unknownKeyWarnings(keys: readonly string[]): ContractIssue[] {
  return keys.map((key) => {
    const suggestion = nearestKey(key, ENGINE_MANIFEST_KEYS);
    const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
    return issue(
      `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
      'unknown_key',
      `unknown key "${key}"${hint}`,
    );
  });
}
