import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { CoreEmulatorError } from './errors.ts';
import { stableId } from './common/ids.ts';
import { mediaTypeOf } from './common/media-types.ts';
import type { EmulatorStore } from './store.ts';

const TrainStatusSchema = z.enum(['pending', 'queued', 'complete', 'failed', 'running']);

export const SeedIdentifierSchema = z
  .object({
    id: z.string().min(1).optional(),
    identifierTypeId: z.string().min(1).optional(),
    title: z.string().optional(),
    isPriority: z.boolean().optional(),
    /** An external URL of the identifier media. */
    url: z.string().optional(),
    /** A local media file (relative to the seed file), served by the emulator. */
    file: z.string().optional(),
    contentType: z.string().optional(),
    jsondata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((identifier) => identifier.url !== undefined || identifier.file !== undefined, {
    message: 'an identifier needs a "file" or a "url" (EntityIdentifier.url is non-null)',
  });

export const SeedEntitySchema = z.object({
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  isPublished: z.boolean().optional(),
  jsondata: z.record(z.string(), z.unknown()).optional(),
  identifiers: z.array(SeedIdentifierSchema).optional(),
});

export const SeedModelSchema = z.object({
  id: z.string().min(1).optional(),
  engineId: z.string().min(1),
  trainStatus: TrainStatusSchema.optional(),
  jsondata: z.record(z.string(), z.unknown()).optional(),
  dataUrl: z.string().optional(),
  contentType: z.string().optional(),
});

export const SeedLibrarySchema = z.object({
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  libraryTypeId: z.string().optional(),
  /** Default `identifierTypeId` of this library's identifiers. */
  identifierTypeId: z.string().min(1).optional(),
  entities: z.array(SeedEntitySchema).optional(),
  engineModels: z.array(SeedModelSchema).optional(),
});

/** A JSON description of the libraries to create at start-up. */
export const SeedSchema = z.object({ libraries: z.array(SeedLibrarySchema) });
export type Seed = z.infer<typeof SeedSchema>;
export type SeedLibrary = z.infer<typeof SeedLibrarySchema>;

/** Options of a folder seed's optional `library.json` (all fields of a seed library except entities). */
const FolderLibrarySchema = SeedLibrarySchema.omit({ entities: true }).partial({ name: true });

export interface SeedOptions {
  /** identifierTypeId of identifiers that name none (default `face`, the common library-training case). */
  identifierTypeId?: string;
  /** When set, every seeded library without engine models gets a `pending` model of this engine. */
  engineId?: string;
}

export const DEFAULT_IDENTIFIER_TYPE_ID = 'face';

/**
 * Seeds the store from a `Seed` object, a JSON file, a folder holding `seed.json`, or a folder of
 * `<entity-name>/<media files>` (one library named after the folder; optional `library.json`).
 */
export function applySeed(store: EmulatorStore, seed: Seed | string, options: SeedOptions = {}): void {
  if (typeof seed !== 'string') {
    seedLibraries(store, checkSeed(seed, 'the seed object'), process.cwd(), options);
    return;
  }
  const path = resolve(seed);
  if (!existsSync(path)) throw new CoreEmulatorError('invalid_seed', `Seed ${path} does not exist.`);
  if (statSync(path).isDirectory()) {
    const seedFile = join(path, 'seed.json');
    if (existsSync(seedFile)) seedLibraries(store, readSeedFile(seedFile), path, options);
    else seedLibraries(store, { libraries: [folderLibrary(path)] }, path, options);
    return;
  }
  seedLibraries(store, readSeedFile(path), dirname(path), options);
}

function readSeedFile(path: string): Seed {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CoreEmulatorError(
      'invalid_seed',
      `Seed ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  return checkSeed(json, path);
}

function checkSeed(value: unknown, where: string): Seed {
  const parsed = SeedSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new CoreEmulatorError('invalid_seed', `Seed ${where} is invalid: ${issues.join('; ')}`);
}

function folderLibrary(folder: string): SeedLibrary {
  const settingsPath = join(folder, 'library.json');
  let settings: z.infer<typeof FolderLibrarySchema> = {};
  if (existsSync(settingsPath)) {
    const parsed = FolderLibrarySchema.safeParse(JSON.parse(readFileSync(settingsPath, 'utf8')));
    if (!parsed.success) {
      throw new CoreEmulatorError('invalid_seed', `${settingsPath} is invalid: ${parsed.error.message}`);
    }
    settings = parsed.data;
  }
  const entities = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      name,
      identifiers: readdirSync(join(folder, name))
        .filter((file) => mediaTypeOf(file) !== undefined)
        .sort()
        .map((file) => ({ file: join(name, file), title: file })),
    }));
  return { ...settings, name: settings.name ?? basename(folder), entities };
}

function seedLibraries(store: EmulatorStore, seed: Seed, baseDir: string, options: SeedOptions): void {
  for (const spec of seed.libraries) {
    const library = store.addLibrary({
      id: spec.id ?? stableId('library', spec.name),
      name: spec.name,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.libraryTypeId ? { libraryTypeId: spec.libraryTypeId } : {}),
    });
    const typeId = spec.identifierTypeId ?? options.identifierTypeId ?? DEFAULT_IDENTIFIER_TYPE_ID;
    for (const entitySpec of spec.entities ?? []) {
      const entity = store.addEntity({
        id: entitySpec.id ?? stableId('entity', library.id, entitySpec.name),
        libraryId: library.id,
        name: entitySpec.name,
        description: entitySpec.description ?? null,
        isPublished: entitySpec.isPublished ?? true,
        jsondata: entitySpec.jsondata ?? null,
      });
      (entitySpec.identifiers ?? []).forEach((identifierSpec, index) => {
        const media = identifierSpec.file
          ? storeMediaFile(store, resolve(baseDir, identifierSpec.file), identifierSpec.contentType)
          : null;
        store.addIdentifier({
          id: identifierSpec.id ?? stableId('identifier', entity.id, String(index)),
          entityId: entity.id,
          identifierTypeId: identifierSpec.identifierTypeId ?? typeId,
          title: identifierSpec.title ?? null,
          isPriority: identifierSpec.isPriority ?? false,
          contentType: media?.contentType ?? identifierSpec.contentType ?? null,
          url: identifierSpec.url ?? null,
          blobId: media?.id ?? null,
          jsondata: identifierSpec.jsondata ?? null,
        });
      });
    }
    const models = spec.engineModels ?? (options.engineId ? [{ engineId: options.engineId }] : []);
    for (const modelSpec of models) {
      store.addModel({
        id: modelSpec.id ?? stableId('model', library.id, modelSpec.engineId),
        libraryId: library.id,
        engineId: modelSpec.engineId,
        trainStatus: modelSpec.trainStatus ?? 'pending',
        jsondata: modelSpec.jsondata ?? null,
        dataUrl: modelSpec.dataUrl ?? null,
        contentType: modelSpec.contentType ?? null,
      });
    }
  }
  store.save();
}

function storeMediaFile(store: EmulatorStore, path: string, contentType: string | undefined) {
  if (!existsSync(path))
    throw new CoreEmulatorError('invalid_seed', `Seed media file ${path} does not exist.`);
  const type = contentType ?? mediaTypeOf(path) ?? 'application/octet-stream';
  return store.addBlob(readFileSync(path), type, basename(path));
}
