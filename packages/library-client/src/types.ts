/** Values of the GraphQL enum `LibraryEngineModelTrainStatus`. */
export const TRAIN_STATUSES = ['pending', 'queued', 'complete', 'failed', 'running'] as const;
export type TrainStatus = (typeof TRAIN_STATUSES)[number];

export type JsonData = Record<string, unknown>;

export interface LibrarySummary {
  entityCount: number | null;
  unpublishedEntityCount: number | null;
  lastTrainedVersion: number | null;
}

export interface Library {
  id: string;
  name: string;
  description: string | null;
  version: number | null;
  libraryTypeId: string | null;
  applicationId: string | null;
  organizationId: string | null;
  summary: LibrarySummary | null;
}

export interface EntityIdentifier {
  id: string;
  entityId: string;
  identifierTypeId: string;
  title: string | null;
  isPriority: boolean | null;
  url: string | null;
  contentType: string | null;
  jsondata: JsonData | null;
}

export interface Entity {
  id: string;
  name: string;
  libraryId: string;
  isPublished: boolean | null;
  jsondata: JsonData | null;
  description: string | null;
  profileImageUrl: string | null;
}

/** An entity with every one of its identifiers of the requested type (all identifier pages joined). */
export interface EntityWithIdentifiers extends Entity {
  identifiers: EntityIdentifier[];
}

export interface LibraryEngineModel {
  id: string;
  engineId: string;
  libraryId: string;
  libraryVersion: number | null;
  trainJobId: string | null;
  trainStatus: TrainStatus | null;
  dataUrl: string | null;
  contentType: string | null;
  jsondata: JsonData | null;
  accuracy: number | null;
  createdDateTime: string | null;
  modifiedDateTime: string | null;
}

/** The small per-task view of a model (`getLibraryEngineModelVersion`): what names its content. */
export type LibraryEngineModelVersion = Pick<
  LibraryEngineModel,
  'id' | 'trainJobId' | 'trainStatus' | 'dataUrl' | 'contentType' | 'modifiedDateTime'
>;

/** Fields of the `UpdateLibraryEngineModel` input, without the file (see `uploadLibraryEngineModelFile`). */
export interface UpdateLibraryEngineModelInput {
  id: string;
  trainStatus?: TrainStatus;
  trainJobId?: string;
  dataUrl?: string;
  jsondata?: JsonData;
  contentType?: string;
}

export interface UploadLibraryEngineModelFileInput {
  id: string;
  /** Local path of the model file; it is streamed from disk, never read whole into memory. */
  filePath: string;
  /** Content-Type of the file part; becomes the model's `contentType`. */
  contentType: string;
  /** File name sent in the part's Content-Disposition; defaults to the base name of `filePath`. */
  filename?: string;
  trainStatus?: TrainStatus;
  jsondata?: JsonData;
}

export interface CreateTrainingJobInput {
  engineId: string;
  libraryId: string;
  libraryEngineModelId: string;
  clusterId?: string;
  /** Extra payload fields merged after `mode`, `libraryId` and `libraryEngineModelId`. */
  payload?: JsonData;
}

export interface JobTask {
  id: string;
  status: string | null;
  payload: JsonData | null;
  engine: { id: string; name: string | null } | null;
}

export interface Job {
  id: string;
  status: string | null;
  createdDateTime: string | null;
  tasks: { records: JobTask[] } | null;
}

export interface DownloadedModel {
  data: Uint8Array;
  contentType: string | null;
}

export interface DownloadedModelFile {
  filePath: string;
  contentType: string | null;
  size: number;
}
