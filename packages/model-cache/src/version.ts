import { createHash } from 'node:crypto';

/** The fields of a library engine model (`libraryEngineModel(id) { ... }`) that name its content. */
export interface ModelVersionSource {
  modifiedDateTime?: string | null;
  dataUrl?: string | null;
  contentType?: string | null;
  trainJobId?: string | null;
}

const MAX_DATE_CHARS = 40;

/**
 * The origin and path of a URL without its query, fragment or credentials. A signed storage
 * URL (`?X-Amz-Signature=...`) changes on every read and its query is a secret, so neither
 * versions nor messages ever include it.
 */
export function urlWithoutQuery(url: string | URL): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.search !== '' ? '?…' : '';
    return `${parsed.origin}${parsed.pathname}${hidden}`;
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * The version of a library engine model, usable as a folder name: the model's
 * `modifiedDateTime` (which the 2019 schema changes on every update) in readable form,
 * then a digest of `modifiedDateTime`, the `dataUrl` without its query, `contentType` and
 * `trainJobId`. The signed URL's query is left out: it changes on every read without the
 * content changing. Pure.
 */
export function modelVersionOf(model: ModelVersionSource): string {
  const date = (model.modifiedDateTime ?? '').replace(/[^0-9A-Za-z]/g, '').slice(0, MAX_DATE_CHARS);
  const digest = createHash('sha256')
    .update(
      [
        model.modifiedDateTime ?? '',
        model.dataUrl ? urlWithoutQuery(model.dataUrl) : '',
        model.contentType ?? '',
        model.trainJobId ?? '',
      ].join('\u0000'),
    )
    .digest('hex')
    .slice(0, 16);
  return `${date === '' ? 'undated' : date}-${digest}`;
}
