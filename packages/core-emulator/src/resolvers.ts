import { readFileSync } from 'node:fs';
import { GraphQLError, buildSchema, type GraphQLSchema } from 'graphql';
import { newId } from './common/ids.ts';
import type {
  EmulatorStore,
  StoredEntity,
  StoredIdentifier,
  StoredJob,
  StoredLibrary,
  StoredModel,
  TrainStatus,
} from './store.ts';

/**
 * The uploaded `file` part of a multipart request (Veritone convention: one file per request),
 * streamed to a staging file in the store's blob folder; a resolver that keeps it adopts the file.
 */
export interface UploadedFilePart {
  path: string;
  size: number;
  contentType: string;
  filename: string;
}

export interface RequestContext {
  /**
   * Origin put into media URLs: the configured public URL, else the address the server is bound to.
   * Never the request's `Host` header, which a client controls.
   */
  baseUrl: string;
  file: UploadedFilePart | undefined;
}

/** Fields of `schema.graphql` that the 2019 Veritone schema does not have (listed in the README). */
export const SCHEMA_EXTENSIONS: readonly string[] = [
  'CreateLibraryEngineModel.contentType',
  'CreateLibraryEngineModel.file',
];

/**
 * `Library.applicationId` is non-null in the 2019 schema; the platform fills it from the caller's
 * application. The emulator has one application, with this id.
 */
export const EMULATOR_APPLICATION_ID = 'core-emulator';

export interface ResolverHooks {
  onJob?: ((job: StoredJob) => void) | undefined;
  /** Like the platform, publishing a library starts a library-train job for each of its models. */
  trainOnPublish?: boolean | undefined;
}

type Args = Record<string, unknown>;

export const SCHEMA_URL = new URL('../schema.graphql', import.meta.url);

let cachedSchema: GraphQLSchema | undefined;

/** The executable schema, built from the shipped `schema.graphql`. */
export function emulatorSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(readFileSync(SCHEMA_URL, 'utf8'));
  return cachedSchema;
}

function notFound(kind: string, id: unknown): GraphQLError {
  return new GraphQLError(`The requested ${kind} ${String(id)} was not found.`, {
    extensions: { code: 'NOT_FOUND' },
  });
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function page<T>(items: T[], args: Args) {
  const offset = Math.max(0, Number(args.offset ?? 0));
  const limit = Math.max(0, Number(args.limit ?? 30));
  return { records: items.slice(offset, offset + limit), offset, limit, count: items.length };
}

export function mediaUrl(baseUrl: string, blobId: string, filename: string): string {
  return `${baseUrl}/media/${blobId}/${encodeURIComponent(filename)}`;
}

/**
 * The root value for graphql-js: query and mutation fields as functions, and object views whose
 * function-valued fields resolve arguments (graphql-js calls them with `(args, context)`).
 */
export function createRootValue(store: EmulatorStore, hooks: ResolverHooks) {
  const touch = () => store.save();

  function libraryView(library: StoredLibrary) {
    return {
      ...library,
      applicationId: library.applicationId ?? EMULATOR_APPLICATION_ID,
      summary: () => {
        const entities = store.entitiesOf(library.id);
        return {
          entityCount: entities.length,
          unpublishedEntityCount: entities.filter((entity) => !entity.isPublished).length,
          lastTrainedVersion: library.lastTrainedVersion,
        };
      },
      entities: (args: Args, context: RequestContext) =>
        entityList(
          cachedFilter(library.id, () => store.entitiesOf(library.id), args),
          args,
          context,
        ),
      // The 2019 field has no offset/limit: it lists every matching model.
      engineModels: (args: Args, context: RequestContext) => {
        const models = [...store.models.values()].filter(
          (model) =>
            model.libraryId === library.id &&
            (args.id == null || model.id === args.id) &&
            (args.libraryVersion == null || model.libraryVersion === args.libraryVersion) &&
            (args.trainStatus == null || model.trainStatus === args.trainStatus),
        );
        return {
          records: models.map((model) => modelView(model, context)),
          offset: 0,
          limit: models.length,
          count: models.length,
        };
      },
    };
  }

  // Paging a large library filters it once per page; the filtered list is reused until the data changes.
  let filterCache = { revision: -1, entries: new Map<string, StoredEntity[]>() };
  function cachedFilter(scope: string, entities: () => StoredEntity[], args: Args): StoredEntity[] {
    if (filterCache.revision !== store.revision)
      filterCache = { revision: store.revision, entries: new Map() };
    const key = JSON.stringify([
      scope,
      args.id,
      args.ids,
      args.isPublished,
      args.name,
      args.identifierTypeId,
      args.orderBy,
      args.orderDirection,
    ]);
    let result = filterCache.entries.get(key);
    if (!result) {
      result = sortEntities(filterEntities(entities(), args), args);
      filterCache.entries.set(key, result);
    }
    return result;
  }

  function filterEntities(entities: StoredEntity[], args: Args): StoredEntity[] {
    const ids = Array.isArray(args.ids) ? new Set(args.ids as string[]) : undefined;
    const name = typeof args.name === 'string' ? args.name.toLowerCase() : undefined;
    return entities.filter(
      (entity) =>
        (args.id == null || entity.id === args.id) &&
        (!ids || ids.has(entity.id)) &&
        (args.isPublished == null || entity.isPublished === args.isPublished) &&
        (!name || entity.name.toLowerCase().includes(name)) &&
        (args.identifierTypeId == null ||
          store
            .identifiersOf(entity.id)
            .some((identifier) => identifier.identifierTypeId === args.identifierTypeId)),
    );
  }

  function entityList(entities: StoredEntity[], args: Args, context: RequestContext) {
    const result = page(entities, args);
    return { ...result, records: result.records.map((entity) => entityView(entity, context)) };
  }

  function entityView(entity: StoredEntity, context: RequestContext) {
    return {
      ...entity,
      library: () => {
        const library = store.libraries.get(entity.libraryId);
        return library ? libraryView(library) : null;
      },
      identifiers: (args: Args) => {
        const identifiers = store
          .identifiersOf(entity.id)
          .filter(
            (identifier) =>
              (args.id == null || identifier.id === args.id) &&
              (args.identifierTypeId == null || identifier.identifierTypeId === args.identifierTypeId),
          );
        const result = page(identifiers, args);
        return {
          ...result,
          records: result.records.map((identifier) => identifierView(identifier, context)),
        };
      },
    };
  }

  function identifierView(identifier: StoredIdentifier, context: RequestContext) {
    const blob = identifier.blobId ? store.blobs.get(identifier.blobId) : undefined;
    const contentType = blob?.contentType ?? identifier.contentType ?? 'application/octet-stream';
    return {
      ...identifier,
      // Non-null in the 2019 schema; seeds and createEntityIdentifier always give a file or a url.
      url: blob ? mediaUrl(context.baseUrl, blob.id, blob.filename) : (identifier.url ?? ''),
      contentType,
      identifierType: {
        id: identifier.identifierTypeId,
        label: identifier.identifierTypeId,
        labelPlural: `${identifier.identifierTypeId}s`,
        dataType: identifierDataType(contentType),
      },
    };
  }

  function modelView(model: StoredModel, context: RequestContext) {
    const blob = model.blobId ? store.blobs.get(model.blobId) : undefined;
    return { ...model, dataUrl: blob ? mediaUrl(context.baseUrl, blob.id, blob.filename) : model.dataUrl };
  }

  function jobView(job: StoredJob) {
    return {
      ...job,
      tasks: (args: Args) => {
        const statuses = Array.isArray(args.status) ? (args.status as string[]) : undefined;
        const tasks = job.tasks.filter(
          (task) => (args.id == null || task.id === args.id) && (!statuses || statuses.includes(task.status)),
        );
        const result = page(tasks, args);
        return {
          ...result,
          records: result.records.map((task) => ({ ...task, engine: { id: task.engineId, name: null } })),
        };
      },
    };
  }

  function recordJob(tasks: Args[], input: Args): StoredJob {
    const now = new Date().toISOString();
    const jobId = newId();
    const job: StoredJob = {
      id: jobId,
      status: 'pending',
      targetId: (input.targetId as string | undefined) ?? null,
      clusterId: (input.clusterId as string | undefined) ?? null,
      createdDateTime: now,
      tasks: tasks.map((task) => ({
        id: newId(),
        jobId,
        engineId: String(task.engineId),
        status: 'pending',
        payload: task.payload ?? null,
        createdDateTime: now,
      })),
    };
    store.addJob(job);
    hooks.onJob?.(job);
    return job;
  }

  function requireLibrary(id: unknown): StoredLibrary {
    const library = store.libraries.get(String(id));
    if (!library) throw notFound('library', id);
    return library;
  }

  function attachFile(context: RequestContext, input: Args) {
    if (context.file && input.dataUrl != null) {
      throw badInput('Send either a file part or dataUrl, not both.');
    }
    return context.file ? adoptUpload(context.file) : undefined;
  }

  function adoptUpload(file: UploadedFilePart) {
    return store.adoptBlobFile(file.path, {
      contentType: file.contentType,
      filename: file.filename,
      size: file.size,
    });
  }

  return {
    library: ({ id }: Args) => libraryView(requireLibrary(id)),
    libraries: (args: Args) => {
      const libraries = [...store.libraries.values()].filter(
        (library) =>
          (args.id == null || library.id === args.id) && (args.name == null || library.name === args.name),
      );
      const result = page(libraries, args);
      return { ...result, records: result.records.map(libraryView) };
    },
    entity: ({ id }: Args, context: RequestContext) => {
      const entity = store.entities.get(String(id));
      if (!entity) throw notFound('entity', id);
      return entityView(entity, context);
    },
    entities: (args: Args, context: RequestContext) => {
      const libraryIds = Array.isArray(args.libraryIds)
        ? (args.libraryIds as string[])
        : [...store.libraries.keys()];
      const entities = () => libraryIds.flatMap((libraryId) => store.entitiesOf(libraryId));
      return entityList(cachedFilter(JSON.stringify(libraryIds), entities, args), args, context);
    },
    libraryEngineModel: ({ id }: Args, context: RequestContext) => {
      const model = store.models.get(String(id));
      if (!model) throw notFound('libraryEngineModel', id);
      return modelView(model, context);
    },
    job: ({ id }: Args) => {
      const job = store.jobs.get(String(id));
      if (!job) throw notFound('job', id);
      return jobView(job);
    },
    createLibrary: ({ input }: { input: Args }) => {
      const library = store.addLibrary({
        name: String(input.name),
        description: (input.description as string | undefined) ?? null,
        libraryTypeId: (input.libraryTypeId as string | undefined) ?? null,
        applicationId: (input.applicationId as string | undefined) ?? null,
        organizationId: (input.organizationId as string | undefined) ?? null,
        coverImageUrl: (input.coverImageUrl as string | undefined) ?? null,
      });
      touch();
      return libraryView(library);
    },
    publishLibrary: ({ id }: Args) => {
      const library = requireLibrary(id);
      const now = new Date().toISOString();
      library.version += 1;
      library.modifiedDateTime = now;
      for (const entity of store.entitiesOf(library.id)) {
        entity.isPublished = true;
        entity.modifiedDateTime = now;
      }
      if (hooks.trainOnPublish !== false) {
        for (const model of store.models.values()) {
          if (model.libraryId !== library.id) continue;
          const job = recordJob(
            [
              {
                engineId: model.engineId,
                payload: { mode: 'library-train', libraryId: library.id, libraryEngineModelId: model.id },
              },
            ],
            {},
          );
          model.trainJobId = job.id;
          model.trainStatus = 'queued';
          model.modifiedDateTime = now;
        }
      }
      touch();
      return libraryView(library);
    },
    createEntity: ({ input }: { input: Args }, context: RequestContext) => {
      requireLibrary(input.libraryId);
      const entity = store.addEntity({
        libraryId: String(input.libraryId),
        name: String(input.name),
        description: (input.description as string | undefined) ?? null,
        jsondata: input.jsondata ?? null,
        profileImageUrl: (input.profileImageUrl as string | undefined) ?? null,
        isPublished: input.isPublished === true,
      });
      touch();
      return entityView(entity, context);
    },
    createEntityIdentifier: ({ input }: { input: Args }, context: RequestContext) => {
      if (!store.entities.has(String(input.entityId))) throw notFound('entity', input.entityId);
      if (context.file && input.url != null) throw badInput('Send either a file part or url, not both.');
      if (!context.file && input.url == null)
        throw badInput('Send the identifier media as a file part or a url.');
      const blob = context.file ? adoptUpload(context.file) : undefined;
      const identifier = store.addIdentifier({
        entityId: String(input.entityId),
        identifierTypeId: String(input.identifierTypeId),
        title: (input.title as string | undefined) ?? null,
        isPriority: (input.isPriority as boolean | undefined) ?? false,
        contentType: blob?.contentType ?? (input.contentType as string | undefined) ?? null,
        url: (input.url as string | undefined) ?? null,
        blobId: blob?.id ?? null,
        jsondata: input.jsondata ?? null,
      });
      touch();
      return identifierView(identifier, context);
    },
    createLibraryEngineModel: ({ input }: { input: Args }, context: RequestContext) => {
      requireLibrary(input.libraryId);
      const blob = attachFile(context, input);
      const model = store.addModel({
        libraryId: String(input.libraryId),
        engineId: String(input.engineId),
        trainStatus: (input.trainStatus as TrainStatus | undefined) ?? 'pending',
        trainJobId: (input.trainJobId as string | undefined) ?? null,
        accuracy: (input.accuracy as number | undefined) ?? null,
        dataUrl: (input.dataUrl as string | undefined) ?? null,
        blobId: blob?.id ?? null,
        contentType: blob?.contentType ?? (input.contentType as string | undefined) ?? null,
        jsondata: input.jsondata ?? null,
      });
      touch();
      return modelView(model, context);
    },
    updateLibraryEngineModel: ({ input }: { input: Args }, context: RequestContext) => {
      const model = store.models.get(String(input.id));
      if (!model) throw notFound('libraryEngineModel', input.id);
      const blob = attachFile(context, input);
      if (input.trainStatus != null) model.trainStatus = input.trainStatus as TrainStatus;
      if (input.trainJobId != null) model.trainJobId = String(input.trainJobId);
      if (input.jsondata !== undefined) model.jsondata = input.jsondata;
      if (input.accuracy != null) model.accuracy = input.accuracy as number;
      if (input.dataUrl != null) {
        model.dataUrl = String(input.dataUrl);
        model.blobId = null;
      }
      if (input.contentType != null) model.contentType = String(input.contentType);
      if (blob) {
        model.blobId = blob.id;
        model.dataUrl = null;
        // The file part's own Content-Type is what the platform records as contentType.
        model.contentType = blob.contentType;
      }
      if (model.trainStatus === 'complete') {
        const library = store.libraries.get(model.libraryId);
        if (library) {
          model.libraryVersion = library.version;
          library.lastTrainedVersion = library.version;
        }
      }
      model.modifiedDateTime = new Date().toISOString();
      touch();
      return modelView(model, context);
    },
    createJob: ({ input }: { input?: Args | null }) => {
      const tasks = Array.isArray(input?.tasks) ? (input.tasks as Args[]) : [];
      if (tasks.length === 0) throw badInput('createJob needs at least one task.');
      if (tasks.some((task) => task.engineId == null))
        throw badInput('Every createJob task needs an engineId.');
      const job = recordJob(tasks, input ?? {});
      touch();
      return jobView(job);
    },
  };
}

function sortEntities(entities: StoredEntity[], args: Args): StoredEntity[] {
  const orderBy = args.orderBy as 'createdDateTime' | 'modifiedDateTime' | 'name' | undefined;
  if (!orderBy) return entities;
  const direction = args.orderDirection === 'desc' ? -1 : 1;
  return [...entities].sort((a, b) => direction * String(a[orderBy]).localeCompare(String(b[orderBy])));
}

/**
 * `EntityIdentifierType.dataType` is non-null in the 2019 schema; the emulator has no identifier type
 * registry, so the type is read from the media's Content-Type (`image` when it says nothing more).
 */
function identifierDataType(contentType: string): 'image' | 'audio' | 'video' | 'text' | 'pdf' {
  const base = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (base === 'application/pdf') return 'pdf';
  const major = base.split('/')[0];
  return major === 'audio' || major === 'video' || major === 'text' ? major : 'image';
}
