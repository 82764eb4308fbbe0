import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from './common/ids.ts';

export type TrainStatus = 'pending' | 'queued' | 'complete' | 'failed' | 'running';
export type JsonValue = unknown;

export interface StoredLibrary {
  id: string;
  name: string;
  description: string | null;
  version: number;
  libraryTypeId: string | null;
  applicationId: string | null;
  organizationId: string | null;
  coverImageUrl: string | null;
  lastTrainedVersion: number | null;
  createdDateTime: string;
  modifiedDateTime: string;
}

export interface StoredEntity {
  id: string;
  libraryId: string;
  name: string;
  description: string | null;
  jsondata: JsonValue;
  profileImageUrl: string | null;
  isPublished: boolean;
  createdDateTime: string;
  modifiedDateTime: string;
}

export interface StoredIdentifier {
  id: string;
  entityId: string;
  identifierTypeId: string;
  title: string | null;
  isPriority: boolean;
  contentType: string | null;
  /** An external URL; identifiers backed by a stored blob get a media URL of this server instead. */
  url: string | null;
  blobId: string | null;
  jsondata: JsonValue;
  createdDateTime: string;
}

export interface StoredModel {
  id: string;
  engineId: string;
  libraryId: string;
  libraryVersion: number | null;
  trainJobId: string | null;
  trainStatus: TrainStatus;
  dataUrl: string | null;
  blobId: string | null;
  contentType: string | null;
  jsondata: JsonValue;
  accuracy: number | null;
  createdDateTime: string;
  modifiedDateTime: string;
}

export interface StoredTask {
  id: string;
  jobId: string;
  engineId: string;
  status: string;
  payload: JsonValue;
  createdDateTime: string;
}

export interface StoredJob {
  id: string;
  status: string;
  targetId: string | null;
  clusterId: string | null;
  createdDateTime: string;
  tasks: StoredTask[];
}

export interface StoredBlob {
  id: string;
  contentType: string;
  filename: string;
  size: number;
}

interface StoreState {
  libraries: StoredLibrary[];
  entities: StoredEntity[];
  identifiers: StoredIdentifier[];
  models: StoredModel[];
  jobs: StoredJob[];
  blobs: StoredBlob[];
}

const STATE_FILE = 'state.json';

/**
 * The emulator's data: in memory, and mirrored to `dataDir` (state.json + blobs/) when one is given,
 * so a restarted emulator keeps trained models and uploads. Blobs (uploads, seeded media) are always
 * files, never held in memory: in `dataDir/blobs`, or in a private temp folder that `close()` removes.
 */
export class EmulatorStore {
  readonly libraries = new Map<string, StoredLibrary>();
  readonly entities = new Map<string, StoredEntity>();
  readonly identifiers = new Map<string, StoredIdentifier>();
  readonly models = new Map<string, StoredModel>();
  readonly jobs = new Map<string, StoredJob>();
  readonly blobs = new Map<string, StoredBlob>();
  /** Entity ids per library, and identifier ids per entity, in creation order (stable paging). */
  private readonly entityOrder = new Map<string, string[]>();
  private readonly identifierOrder = new Map<string, string[]>();
  /** Where blob files live; uploads are staged here too, so publishing one is a rename. */
  readonly blobDir: string;
  private readonly ownsBlobDir: boolean;
  private revisionCounter = 0;

  constructor(readonly dataDir?: string) {
    if (dataDir) {
      this.blobDir = join(dataDir, 'blobs');
      this.ownsBlobDir = false;
      mkdirSync(this.blobDir, { recursive: true });
      const statePath = join(dataDir, STATE_FILE);
      if (existsSync(statePath)) this.load(JSON.parse(readFileSync(statePath, 'utf8')) as StoreState);
    } else {
      this.blobDir = mkdtempSync(join(tmpdir(), 'core-emulator-blobs-'));
      this.ownsBlobDir = true;
    }
  }

  /** Changes whenever data changes, so derived views (filtered entity lists) can be cached. */
  get revision(): number {
    return this.revisionCounter;
  }

  get isEmpty(): boolean {
    return this.libraries.size === 0 && this.models.size === 0 && this.jobs.size === 0;
  }

  addLibrary(input: Partial<StoredLibrary> & { name: string }): StoredLibrary {
    this.revisionCounter += 1;
    const now = new Date().toISOString();
    const library: StoredLibrary = {
      id: input.id ?? newId(),
      name: input.name,
      description: input.description ?? null,
      version: input.version ?? 1,
      libraryTypeId: input.libraryTypeId ?? null,
      applicationId: input.applicationId ?? null,
      organizationId: input.organizationId ?? null,
      coverImageUrl: input.coverImageUrl ?? null,
      lastTrainedVersion: input.lastTrainedVersion ?? null,
      createdDateTime: input.createdDateTime ?? now,
      modifiedDateTime: input.modifiedDateTime ?? now,
    };
    this.libraries.set(library.id, library);
    if (!this.entityOrder.has(library.id)) this.entityOrder.set(library.id, []);
    return library;
  }

  addEntity(input: Partial<StoredEntity> & { libraryId: string; name: string }): StoredEntity {
    this.revisionCounter += 1;
    const now = new Date().toISOString();
    const entity: StoredEntity = {
      id: input.id ?? newId(),
      libraryId: input.libraryId,
      name: input.name,
      description: input.description ?? null,
      jsondata: input.jsondata ?? null,
      profileImageUrl: input.profileImageUrl ?? null,
      isPublished: input.isPublished ?? false,
      createdDateTime: input.createdDateTime ?? now,
      modifiedDateTime: input.modifiedDateTime ?? now,
    };
    this.entities.set(entity.id, entity);
    pushOrdered(this.entityOrder, entity.libraryId, entity.id);
    return entity;
  }

  addIdentifier(
    input: Partial<StoredIdentifier> & { entityId: string; identifierTypeId: string },
  ): StoredIdentifier {
    this.revisionCounter += 1;
    const identifier: StoredIdentifier = {
      id: input.id ?? newId(),
      entityId: input.entityId,
      identifierTypeId: input.identifierTypeId,
      title: input.title ?? null,
      isPriority: input.isPriority ?? false,
      contentType: input.contentType ?? null,
      url: input.url ?? null,
      blobId: input.blobId ?? null,
      jsondata: input.jsondata ?? null,
      createdDateTime: input.createdDateTime ?? new Date().toISOString(),
    };
    this.identifiers.set(identifier.id, identifier);
    pushOrdered(this.identifierOrder, identifier.entityId, identifier.id);
    return identifier;
  }

  addModel(input: Partial<StoredModel> & { libraryId: string; engineId: string }): StoredModel {
    this.revisionCounter += 1;
    const now = new Date().toISOString();
    const model: StoredModel = {
      id: input.id ?? newId(),
      engineId: input.engineId,
      libraryId: input.libraryId,
      libraryVersion: input.libraryVersion ?? this.libraries.get(input.libraryId)?.version ?? null,
      trainJobId: input.trainJobId ?? null,
      trainStatus: input.trainStatus ?? 'pending',
      dataUrl: input.dataUrl ?? null,
      blobId: input.blobId ?? null,
      contentType: input.contentType ?? null,
      jsondata: input.jsondata ?? null,
      accuracy: input.accuracy ?? null,
      createdDateTime: input.createdDateTime ?? now,
      modifiedDateTime: input.modifiedDateTime ?? now,
    };
    this.models.set(model.id, model);
    return model;
  }

  addJob(job: StoredJob): StoredJob {
    this.revisionCounter += 1;
    this.jobs.set(job.id, job);
    return job;
  }

  addBlob(data: Buffer, contentType: string, filename: string): StoredBlob {
    const staging = this.stagingPath();
    writeFileSync(staging, data);
    return this.adoptBlobFile(staging, { contentType, filename, size: data.length });
  }

  /** A fresh path in the blob folder for an upload being streamed in (see {@link adoptBlobFile}). */
  stagingPath(): string {
    return join(this.blobDir, `.upload-${randomUUID()}`);
  }

  /** Makes a fully written staging file (from {@link stagingPath}) a blob, by renaming it. */
  adoptBlobFile(
    stagingPath: string,
    info: { contentType: string; filename: string; size: number },
  ): StoredBlob {
    this.revisionCounter += 1;
    const blob: StoredBlob = { id: newId(), ...info };
    renameSync(stagingPath, join(this.blobDir, blob.id));
    this.blobs.set(blob.id, blob);
    return blob;
  }

  /** The file holding a blob's bytes, or undefined for an unknown id (ids never become paths otherwise). */
  blobPath(id: string): string | undefined {
    return this.blobs.has(id) ? join(this.blobDir, id) : undefined;
  }

  readBlob(id: string): Buffer | undefined {
    const path = this.blobPath(id);
    return path ? readFileSync(path) : undefined;
  }

  /** Removes the private blob folder of an in-memory store (a `dataDir` is kept). */
  close(): void {
    if (this.ownsBlobDir) rmSync(this.blobDir, { recursive: true, force: true });
  }

  entitiesOf(libraryId: string): StoredEntity[] {
    return (this.entityOrder.get(libraryId) ?? []).map((id) => this.entities.get(id)!);
  }

  identifiersOf(entityId: string): StoredIdentifier[] {
    return (this.identifierOrder.get(entityId) ?? []).map((id) => this.identifiers.get(id)!);
  }

  /** Records a change: bumps the revision and writes state.json atomically when the store is persisted. */
  save(): void {
    this.revisionCounter += 1;
    if (!this.dataDir) return;
    const state: StoreState = {
      libraries: [...this.libraries.values()],
      entities: [...this.entities.values()],
      identifiers: [...this.identifiers.values()],
      models: [...this.models.values()],
      jobs: [...this.jobs.values()],
      blobs: [...this.blobs.values()],
    };
    const target = join(this.dataDir, STATE_FILE);
    const staging = `${target}.${process.pid}.tmp`;
    writeFileSync(staging, JSON.stringify(state));
    renameSync(staging, target);
  }

  private load(state: StoreState): void {
    for (const library of state.libraries ?? []) this.addLibrary(library);
    for (const entity of state.entities ?? []) this.addEntity(entity);
    for (const identifier of state.identifiers ?? []) this.addIdentifier(identifier);
    for (const model of state.models ?? []) this.addModel(model);
    for (const job of state.jobs ?? []) this.addJob(job);
    for (const blob of state.blobs ?? []) this.blobs.set(blob.id, blob);
  }
}

function pushOrdered(order: Map<string, string[]>, key: string, id: string): void {
  const list = order.get(key);
  if (list) list.push(id);
  else order.set(key, [id]);
}
