const LIBRARY_FIELDS = `id name description version libraryTypeId applicationId organizationId
    summary { entityCount unpublishedEntityCount lastTrainedVersion }`;

const IDENTIFIER_FIELDS = 'id entityId identifierTypeId title isPriority url contentType jsondata';

const ENTITY_FIELDS = 'id name libraryId isPublished jsondata description profileImageUrl';

const MODEL_FIELDS = `id engineId libraryId libraryVersion trainJobId trainStatus dataUrl contentType jsondata
    accuracy createdDateTime modifiedDateTime`;

/** What a library-run task asks per task to learn whether the model changed: no `jsondata`, no library. */
const MODEL_VERSION_FIELDS = 'id trainJobId trainStatus dataUrl contentType modifiedDateTime';

/**
 * Every GraphQL document the client sends, by operation name. They use the names of the public
 * Veritone API and are validated against the core emulator's schema in the tests.
 */
export const operations = {
  GetLibrary: `query GetLibrary($id: ID!) {
  library(id: $id) {
    ${LIBRARY_FIELDS}
  }
}`,
  ListLibraryEntities: `query ListLibraryEntities($libraryId: ID!, $identifierTypeId: ID, $offset: Int!, $limit: Int!) {
  library(id: $libraryId) {
    id
    entities(identifierTypeId: $identifierTypeId, offset: $offset, limit: $limit) {
      count
      offset
      limit
      records {
        ${ENTITY_FIELDS}
        identifiers(identifierTypeId: $identifierTypeId, offset: 0, limit: $limit) {
          count
          records { ${IDENTIFIER_FIELDS} }
        }
      }
    }
  }
}`,
  ListEntityIdentifiers: `query ListEntityIdentifiers($entityId: ID!, $identifierTypeId: ID, $offset: Int!, $limit: Int!) {
  entity(id: $entityId) {
    id
    identifiers(identifierTypeId: $identifierTypeId, offset: $offset, limit: $limit) {
      count
      records { ${IDENTIFIER_FIELDS} }
    }
  }
}`,
  GetLibraryEngineModel: `query GetLibraryEngineModel($id: ID!) {
  libraryEngineModel(id: $id) {
    ${MODEL_FIELDS}
  }
}`,
  GetLibraryEngineModelVersion: `query GetLibraryEngineModelVersion($id: ID!) {
  libraryEngineModel(id: $id) {
    ${MODEL_VERSION_FIELDS}
  }
}`,
  UpdateLibraryEngineModel: `mutation UpdateLibraryEngineModel($input: UpdateLibraryEngineModel!) {
  updateLibraryEngineModel(input: $input) {
    ${MODEL_FIELDS}
  }
}`,
  UploadLibraryEngineModelFile: `mutation UploadLibraryEngineModelFile($input: UpdateLibraryEngineModel!) {
  updateLibraryEngineModel(input: $input) {
    ${MODEL_FIELDS}
  }
}`,
  CreateTrainingJob: `mutation CreateTrainingJob($input: CreateJob!) {
  createJob(input: $input) {
    id
    status
    createdDateTime
    tasks {
      records {
        id
        status
        payload
        engine { id name }
      }
    }
  }
}`,
} as const;

export type OperationName = keyof typeof operations;
