/**
 * After `train`/`run`, the CLI shows the library engine model as the core has it (the user
 * should not have to query GraphQL to see what training produced). Secrets stay out: a signed
 * `dataUrl` keeps only its origin and path.
 */
export interface LibraryModelSnapshot {
  id?: string;
  engineId?: string;
  libraryId?: string;
  libraryVersion?: number;
  trainStatus?: string;
  trainJobId?: string;
  dataUrl?: string | null;
  contentType?: string | null;
  jsondata?: unknown;
  accuracy?: number | null;
  modifiedDateTime?: string;
  /** Why the model could not be read (network, GraphQL error); the task's own status is unchanged. */
  error?: string;
}

const MODEL_QUERY = `query EngineToolkitModel($id: ID!) {
  libraryEngineModel(id: $id) {
    id engineId libraryId libraryVersion trainStatus trainJobId dataUrl contentType jsondata accuracy modifiedDateTime
  }
}`;

/** `jsondata` larger than this is summarised, not printed. */
export const MAX_MODEL_JSONDATA_CHARS = 64 * 1024;

export async function fetchLibraryModel(
  coreUrl: string,
  token: string,
  libraryEngineModelId: string,
  timeoutMs = 10_000,
): Promise<LibraryModelSnapshot> {
  const endpoint = coreUrl.endsWith('/v3/graphql') ? coreUrl : `${coreUrl.replace(/\/+$/, '')}/v3/graphql`;
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: MODEL_QUERY, variables: { id: libraryEngineModelId } }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: {
      data?: { libraryEngineModel?: Record<string, unknown> | null };
      errors?: { message?: string }[];
    };
    try {
      body = JSON.parse(text);
    } catch {
      return { error: `the core answered HTTP ${response.status} without JSON` };
    }
    if (body.errors?.length)
      return {
        error: `GraphQL: ${body.errors
          .map((e) => e.message)
          .join('; ')
          .slice(0, 500)}`,
      };
    const model = body.data?.libraryEngineModel;
    if (!model) return { error: `the core has no library engine model "${libraryEngineModelId}"` };
    return redactModel(model);
  } catch (error) {
    return { error: `cannot read the model from the core: ${(error as Error).message}` };
  }
}

/** Pure: keeps the fields worth showing, without the signed part of `dataUrl`. */
export function redactModel(model: Record<string, unknown>): LibraryModelSnapshot {
  const snapshot: LibraryModelSnapshot = {};
  for (const key of [
    'id',
    'engineId',
    'libraryId',
    'libraryVersion',
    'trainStatus',
    'trainJobId',
    'contentType',
    'accuracy',
    'modifiedDateTime',
  ] as const)
    if (model[key] !== undefined) (snapshot as Record<string, unknown>)[key] = model[key];
  if (model.dataUrl !== undefined)
    snapshot.dataUrl = typeof model.dataUrl === 'string' ? redactUrl(model.dataUrl) : null;
  if (model.jsondata !== undefined) {
    const text = JSON.stringify(model.jsondata) ?? '';
    snapshot.jsondata =
      text.length > MAX_MODEL_JSONDATA_CHARS
        ? { omitted: `${text.length} characters of jsondata` }
        : model.jsondata;
  }
  return snapshot;
}

/** `https://host/path?X-Amz-Signature=…` → `https://host/path?[redacted]`. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    const hadQuery = url.search !== '' || url.hash !== '';
    url.search = '';
    url.hash = '';
    url.username = '';
    url.password = '';
    return hadQuery ? `${url.href}?[redacted]` : url.href;
  } catch {
    return '[redacted: not a URL]';
  }
}
