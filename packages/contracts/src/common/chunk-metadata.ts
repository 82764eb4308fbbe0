import { setOwn } from './issues.ts';

/** Prefix the toolkit puts before every chunk metadata key in `/process` fields and result messages. */
export const CHUNK_METADATA_PREFIX = 'chunk-metadata-';

export function isChunkMetadataKey(key: string): boolean {
  return key.startsWith(CHUNK_METADATA_PREFIX) && key.length > CHUNK_METADATA_PREFIX.length;
}

/** Collects `chunk-metadata-*` string fields of a message into one record keyed without the prefix. */
export function chunkMetadataOf(fields: Readonly<Record<string, unknown>>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (isChunkMetadataKey(key) && typeof value === 'string') {
      setOwn(metadata, key.slice(CHUNK_METADATA_PREFIX.length), value);
    }
  }
  return metadata;
}

/** Spreads a metadata record back into prefixed wire fields. */
export function chunkMetadataFields(metadata: Readonly<Record<string, string>>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata))
    setOwn(fields, `${CHUNK_METADATA_PREFIX}${key}`, value);
  return fields;
}
