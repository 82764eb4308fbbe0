import { z } from 'zod';
import { type ContractIssue, fromZodIssues, issue, isRecord, type ParseResult } from './common/issues.ts';
import { nearestKey } from './common/nearest.ts';

export const CLUSTER_SIZES = ['small', 'medium', 'large'] as const;
export const ENGINE_MODES = ['legacy', 'batch', 'chunk', 'stream'] as const;

const stringList = (description: string) => z.array(z.string()).meta({ description }).optional();
const idLike = (description: string) => z.union([z.string(), z.int()]).meta({ description }).optional();

export const ManifestInputOptionSchema = z.looseObject({
  name: z.string().min(1),
  label: z.string().optional(),
  type: z.string().optional(),
  defaultValue: z.unknown().optional(),
  info: z.string().optional(),
  options: z.record(z.string(), z.string()).optional(),
});

/**
 * `/var/manifest.json`, which describes an engine build. Unknown keys are rejected (two published samples
 * misspell `initialConcurrency`, and the platform silently ignores what it does not know).
 */
export const EngineManifestSchema = z
  .strictObject({
    $schema: z.string().meta({ description: 'Editor hint; ignored by the platform.' }).optional(),
    engineId: z.string().min(1).meta({ description: 'ID of the engine in the Veritone developer app.' }),
    category: z.string().min(1).meta({ description: 'Engine category (cognitive) or pull/push (adapters).' }),
    preferredInputFormat: z.string().min(1).meta({ description: 'Preferred input MIME type.' }),
    supportedInputFormats: stringList('Every input MIME type the engine supports.'),
    outputFormats: z.array(z.string()).meta({ description: 'MIME types the engine outputs.' }),
    clusterSize: z
      .enum(CLUSTER_SIZES)
      .meta({ description: 'small (512 MB), medium (2 GB) or large (6 GB).' }),
    engineMode: z
      .union([z.enum(ENGINE_MODES), z.int().min(0).max(3)])
      .meta({ description: 'legacy, batch, chunk or stream (older docs: 0 to 3 in that order).' })
      .optional(),
    initialConcurrency: z
      .int()
      .nonnegative()
      .meta({ description: 'Instances started at first (default 50).' })
      .optional(),
    maxConcurrency: z
      .int()
      .positive()
      .meta({ description: 'Most instances at once (default 50).' })
      .optional(),
    maxFileMb: z.number().positive().meta({ description: 'Largest input file, in megabytes.' }).optional(),
    minMediaLengthMs: z.int().nonnegative().meta({ description: 'Shortest media, in ms.' }).optional(),
    maxMediaLengthMs: z.int().nonnegative().meta({ description: 'Longest media, in ms.' }).optional(),
    trainableViaApi: z
      .boolean()
      .meta({ description: 'Whether an API is available for training.' })
      .optional(),
    supportedLanguages: stringList('ISO 639-1 codes of supported languages.'),
    gpuSupported: z.string().meta({ description: 'Supported GPU codes, e.g. P2.' }).optional(),
    minMemoryRequired: z.number().nonnegative().meta({ description: 'Minimum RAM in MB.' }).optional(),
    inputEncoding: z
      .string()
      .meta({ description: 'Input encoding, as named by ffmpeg -encoders.' })
      .optional(),
    url: z.string().meta({ description: 'Web page about the engine.' }).optional(),
    externalCalls: stringList('Domains the engine calls over the internet.'),
    libraries: stringList('Libraries the engine depends on.'),
    releaseNotes: z.string().meta({ description: 'What changed in this build (plain text).' }).optional(),
    inputOptions: z
      .array(ManifestInputOptionSchema)
      .meta({ description: 'Options offered to users.' })
      .optional(),
    sourceType: idLike('Adapters: the source type the adapter is tied to.'),
    supportedSourceTypes: z
      .array(z.int())
      .meta({ description: 'Adapters: supported source types.' })
      .optional(),
    sourceId: idLike('Adapters: the source the adapter is tied to.'),
    schemaId: idLike('Adapters: the structured-data schema supported.'),
    schedule: z.string().meta({ description: 'Adapters: supported schedule types.' }).optional(),
    oauth: z.union([z.string(), z.number()]).meta({ description: 'Adapters: OAuth version.' }).optional(),
  })
  .meta({ title: 'EngineManifest', description: 'The engine build manifest, /var/manifest.json.' });
export type EngineManifest = z.infer<typeof EngineManifestSchema>;

export const ENGINE_MANIFEST_KEYS: readonly string[] = Object.keys(EngineManifestSchema.shape);

/**
 * Validates a parsed `manifest.json`. An unknown key is an `unknown_key` issue that names the nearest known
 * key when it looks like a misspelling. Never throws.
 */
export function validateManifest(json: unknown): ParseResult<EngineManifest> {
  if (!isRecord(json)) {
    return { success: false, issues: [issue('', 'invalid_type', 'manifest.json must hold a JSON object')] };
  }
  const result = EngineManifestSchema.safeParse(json);
  if (result.success) return { success: true, data: result.data };
  const issues: ContractIssue[] = [];
  for (const found of result.error.issues) {
    if (found.code === 'unrecognized_keys' && found.path.length === 0)
      issues.push(...unknownKeyIssues(found.keys));
    else issues.push(...fromZodIssues([found]));
  }
  return { success: false, issues };
}

function unknownKeyIssues(keys: readonly string[]): ContractIssue[] {
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
