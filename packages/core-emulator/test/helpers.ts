// biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary GraphQL result JSON
type Json = any;

export async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<{
  status: number;
  body: {
    data?: Record<string, Json>;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
  headers: Headers;
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** Veritone's multipart convention: `query`, `variables` (JSON string) and a `file` part. */
export async function gqlMultipart(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  file: { data: Uint8Array | string; contentType: string; filename: string },
  token?: string,
) {
  const form = new FormData();
  form.append('query', query);
  form.append('variables', JSON.stringify(variables));
  form.append(
    'file',
    new Blob([typeof file.data === 'string' ? file.data : new Uint8Array(file.data)], {
      type: file.contentType,
    }),
    file.filename,
  );
  const response = await fetch(url, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: Record<string, Json>; errors?: Array<{ message: string }> },
  };
}

// A valid 1x1 PNG.
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
