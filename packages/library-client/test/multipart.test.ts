import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLibraryClient, LibraryFileError, operations } from '../src/index.ts';
import { ENDPOINT, model } from './fake-api.ts';

const server = setupServer();
let dir: string;
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  dir = mkdtempSync(join(tmpdir(), 'library-client-multipart-'));
});
afterEach(() => server.resetHandlers());
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('uploadLibraryEngineModelFile', () => {
  it('sends multipart/form-data with the fields query, variables and file (own Content-Type, exact bytes)', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13, 45, 45]);
    const filePath = join(dir, 'weights.bin');
    writeFileSync(filePath, bytes);
    let received:
      | { contentType: string | null; raw: string; form: FormData; authorization: string | null }
      | undefined;
    server.use(
      http.post(ENDPOINT, async ({ request }) => {
        const raw = Buffer.from(await request.clone().arrayBuffer()).toString('latin1');
        received = {
          contentType: request.headers.get('content-type'),
          authorization: request.headers.get('authorization'),
          raw,
          form: await request.formData(),
        };
        return HttpResponse.json({
          data: {
            updateLibraryEngineModel: model({
              trainStatus: 'complete',
              contentType: 'application/x-weights',
            }),
          },
        });
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, token: 'tok' });
    const result = await client.uploadLibraryEngineModelFile({
      id: 'model-1',
      filePath,
      contentType: 'application/x-weights',
      trainStatus: 'complete',
      jsondata: { fingerprints: 3 },
    });
    expect(result.trainStatus).toBe('complete');
    expect(received?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(received?.authorization).toBe('Bearer tok');
    const form = received!.form;
    expect([...form.keys()]).toEqual(['query', 'variables', 'file']);
    // multipart/form-data serialisation turns LF into CRLF in field values; GraphQL treats both as line breaks.
    expect(String(form.get('query')).replaceAll('\r\n', '\n')).toBe(operations.UploadLibraryEngineModelFile);
    expect(JSON.parse(String(form.get('variables')))).toEqual({
      input: { id: 'model-1', trainStatus: 'complete', jsondata: { fingerprints: 3 } },
    });
    const file = form.get('file') as File;
    expect(file.name).toBe('weights.bin');
    expect(file.type).toBe('application/x-weights');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
    // The raw part headers, as in the Veritone docs' curl example.
    expect(received!.raw).toMatch(
      /Content-Disposition: form-data; name="file"; filename="weights.bin"\r\nContent-Type: application\/x-weights\r\n/,
    );
    expect(received!.raw).toMatch(
      /Content-Disposition: form-data; name="query"\r\n\r\nmutation UploadLibraryEngineModelFile/,
    );
  });

  it('uses the given filename for the file part', async () => {
    const filePath = join(dir, 'tmp-123');
    writeFileSync(filePath, 'x');
    let name: string | undefined;
    server.use(
      http.post(ENDPOINT, async ({ request }) => {
        name = ((await request.formData()).get('file') as File).name;
        return HttpResponse.json({ data: { updateLibraryEngineModel: model() } });
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT });
    await client.uploadLibraryEngineModelFile({
      id: 'model-1',
      filePath,
      contentType: 'text/plain',
      filename: 'model.txt',
    });
    expect(name).toBe('model.txt');
  });

  it('re-sends the whole file when an upload attempt fails with 503', async () => {
    const filePath = join(dir, 'retry.bin');
    writeFileSync(filePath, 'payload-bytes');
    const sizes: number[] = [];
    server.use(
      http.post(ENDPOINT, async ({ request }) => {
        const file = (await request.formData()).get('file') as File;
        sizes.push(file.size);
        return sizes.length === 1
          ? new HttpResponse('busy', { status: 503 })
          : HttpResponse.json({ data: { updateLibraryEngineModel: model() } });
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, retryBaseDelayMs: 1 });
    await client.uploadLibraryEngineModelFile({
      id: 'model-1',
      filePath,
      contentType: 'application/octet-stream',
    });
    expect(sizes).toEqual([13, 13]);
  });

  it('fails with LibraryFileError before sending anything when the file is missing', async () => {
    const client = createLibraryClient({ endpoint: ENDPOINT });
    const error = await client
      .uploadLibraryEngineModelFile({
        id: 'model-1',
        filePath: join(dir, 'missing.bin'),
        contentType: 'text/plain',
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibraryFileError);
    expect(error).toMatchObject({ code: 'file_error' });
  });
});
