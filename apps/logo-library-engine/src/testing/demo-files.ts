import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage } from '@engine-kit-apps/sample-support';
import {
  generateLogoLibrary,
  generateNonLibraryImages,
  type LibraryEntity,
  TRANSFORMS,
  transformImage,
} from './logos.ts';

export interface WrittenLibrary {
  /** A core-emulator seed file (`{ libraries: [...] }`) whose identifiers point at the written PNGs. */
  seedFile: string;
  libraryId: string;
  libraryEngineModelId: string;
  entities: { entityId: string; name: string; identifierIds: string[] }[];
  library: LibraryEntity[];
  /** Generated entities left out of the seed (`heldBack`), to add later and retrain with. */
  heldBack: LibraryEntity[];
}

export interface WrittenTestFrame {
  file: string;
  mime: 'image/png' | 'image/jpeg';
  /** The entity shown, or null for a non-library image. */
  entityId: string | null;
  transform: string;
}

export interface LibrarySeedOptions {
  seed: number;
  engineId: string;
  entities?: number;
  imagesPerEntity?: number;
  libraryId?: string;
  libraryEngineModelId?: string;
  /** The last this many of `entities` are generated but left out of the seed (default 0). */
  heldBack?: number;
}

/** The part of the core emulator's store that `addLogoEntity` writes to. */
export interface LogoEntityStore {
  addEntity(input: { id: string; libraryId: string; name: string; isPublished: boolean }): unknown;
  addBlob(data: Buffer, contentType: string, filename: string): { id: string };
  addIdentifier(input: {
    id: string;
    entityId: string;
    identifierTypeId: string;
    contentType: string;
    blobId: string;
  }): unknown;
}

/**
 * Adds a generated entity, with its images as identifier media, to a running core emulator's
 * store, as a user adding a logo to the library before a retrain would.
 */
export function addLogoEntity(store: LogoEntityStore, libraryId: string, entity: LibraryEntity): void {
  store.addEntity({ id: entity.entityId, libraryId, name: entity.name, isPublished: true });
  for (const image of entity.images) {
    const blob = store.addBlob(Buffer.from(image.bytes), image.mime, `${image.entityIdentifierId}.png`);
    store.addIdentifier({
      id: image.entityIdentifierId,
      entityId: entity.entityId,
      identifierTypeId: 'image',
      contentType: image.mime,
      blobId: blob.id,
    });
  }
}

/**
 * Writes a generated logo library as PNG files plus `seed.json` for `startCoreEmulator({ seed })`,
 * with fixed library, model, entity and identifier IDs so results can be scored against them.
 */
export async function writeLogoLibrarySeed(
  dir: string,
  options: LibrarySeedOptions,
): Promise<WrittenLibrary> {
  const generated = generateLogoLibrary({
    seed: options.seed,
    ...(options.entities ? { entities: options.entities } : {}),
    ...(options.imagesPerEntity ? { imagesPerEntity: options.imagesPerEntity } : {}),
  });
  const library = generated.slice(0, generated.length - (options.heldBack ?? 0));
  const heldBack = generated.slice(library.length);
  const libraryId = options.libraryId ?? `logo-library-${options.seed}`;
  const libraryEngineModelId = options.libraryEngineModelId ?? `logo-model-${options.seed}`;
  await mkdir(join(dir, 'images'), { recursive: true });
  for (const entity of library) {
    for (const image of entity.images)
      await writeFile(join(dir, 'images', `${image.entityIdentifierId}.png`), image.bytes);
  }
  const seed = {
    libraries: [
      {
        id: libraryId,
        name: 'Generated logos',
        identifierTypeId: 'image',
        entities: library.map((entity) => ({
          id: entity.entityId,
          name: entity.name,
          isPublished: true,
          identifiers: entity.images.map((image) => ({
            id: image.entityIdentifierId,
            identifierTypeId: 'image',
            file: `images/${image.entityIdentifierId}.png`,
            contentType: image.mime,
          })),
        })),
        engineModels: [{ id: libraryEngineModelId, engineId: options.engineId, trainStatus: 'pending' }],
      },
    ],
  };
  const seedFile = join(dir, 'seed.json');
  await writeFile(seedFile, `${JSON.stringify(seed, null, 2)}\n`);
  return {
    seedFile,
    libraryId,
    libraryEngineModelId,
    entities: library.map((entity) => ({
      entityId: entity.entityId,
      name: entity.name,
      identifierIds: entity.images.map((image) => image.entityIdentifierId),
    })),
    library,
    heldBack,
  };
}

/**
 * Writes test frames: every library image under each transformation (resize, JPEG, noise, all
 * three) plus `nonLibrary` images of logos not in the library, and `truth.json`.
 */
export async function writeLogoTestFrames(
  dir: string,
  library: readonly LibraryEntity[],
  options: { seed: number; nonLibrary?: number },
): Promise<WrittenTestFrame[]> {
  await mkdir(dir, { recursive: true });
  const frames: WrittenTestFrame[] = [];
  const write = async (
    bytes: Uint8Array,
    mime: WrittenTestFrame['mime'],
    entityId: string | null,
    transform: string,
  ) => {
    const file = join(
      dir,
      `frame-${String(frames.length).padStart(3, '0')}.${mime === 'image/png' ? 'png' : 'jpg'}`,
    );
    await writeFile(file, bytes);
    frames.push({ file, mime, entityId, transform });
  };
  let variant = 0;
  for (const entity of library) {
    for (const image of entity.images) {
      const source = decodeImage(image.bytes);
      for (const transform of TRANSFORMS) {
        const frame = transformImage(source, transform, options.seed + variant++);
        await write(frame.bytes, frame.mime, entity.entityId, transform);
      }
    }
  }
  for (const [index, image] of generateNonLibraryImages(options.seed, options.nonLibrary ?? 12).entries()) {
    const frame = transformImage(image, TRANSFORMS[index % TRANSFORMS.length]!, options.seed + variant++);
    await write(frame.bytes, frame.mime, null, `non-library ${frame.transform}`);
  }
  await writeFile(join(dir, 'truth.json'), `${JSON.stringify(frames, null, 2)}\n`);
  return frames;
}
