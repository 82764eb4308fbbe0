import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type CoreEmulator, type CoreEmulatorOptions, startCoreEmulator } from '../src/index.ts';
import { gql, gqlMultipart } from './helpers.ts';

let emulator: CoreEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const ENTITIES = 30;

async function start(options: CoreEmulatorOptions = {}): Promise<CoreEmulator> {
  emulator = await startCoreEmulator({
    seed: {
      libraries: [
        {
          id: 'lib',
          name: 'L',
          entities: Array.from({ length: ENTITIES }, (_, index) => ({ name: `E${index}` })),
          engineModels: [{ id: 'm', engineId: 'e' }],
        },
      ],
    },
    ...options,
  });
  return emulator;
}

/** `library → entities → library` nested `levels` times: the amplification query. */
function amplifyingQuery(levels: number): string {
  let query = 'id name';
  for (let level = 0; level < levels; level += 1) query = `entities { records { library { ${query} } } }`;
  return `{ library(id: "lib") { ${query} } }`;
}

function uploadQuery(modelId: string): string {
  return `mutation { updateLibraryEngineModel(input: { id: "${modelId}" }) { id dataUrl } }`;
}

function blobFiles(instance: CoreEmulator): string[] {
  return readdirSync(instance.store.blobDir);
}

/** A raw HTTP request, so tests can send headers (`Host`) and targets that fetch refuses to send. */
function rawRequest(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: options.path ?? target.pathname,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('core emulator under hostile GraphQL', () => {
  it('refuses the amplifying query by depth with a message, and a cheap query still answers', async () => {
    const instance = await start();
    const [deep, cheap] = await Promise.all([
      gql(instance.graphqlUrl, amplifyingQuery(4)),
      gql(instance.graphqlUrl, '{ library(id: "lib") { id name } }'),
    ]);
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(deep.body.errors?.[0]?.message).toMatch(/14 levels deep; the emulator allows 12/);
    expect(cheap.body.data?.library).toEqual({ id: 'lib', name: 'L' });
  });

  it('refuses it by estimated cost when depth is allowed, before executing anything', async () => {
    const instance = await start({ maxQueryDepth: 40 });
    const before = instance.stats().executed;
    const refused = await gql(instance.graphqlUrl, amplifyingQuery(4));
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(refused.body.errors?.[0]?.message).toMatch(/about \d+ objects; the emulator allows 250000/);
    expect(instance.stats().executed).toBe(before);
    // Three levels resolve 30^3 entities: under the limit, answered in full.
    const allowed = await gql(instance.graphqlUrl, amplifyingQuery(3));
    expect(allowed.status).toBe(200);
    expect(allowed.body.errors).toBeUndefined();
  });

  it('answers a 5,000-level query with a real message, not {"errors":[{}]}', async () => {
    const instance = await start();
    const query = `{ library(id: "lib") { ${'entities { records { library { '.repeat(5000)}id${' } } }'.repeat(5000)} } }`;
    const result = await gql(instance.graphqlUrl, query);
    expect(result.status).toBe(400);
    const error = result.body.errors?.[0];
    expect(error?.message).toMatch(/more than \d+ (tokens|levels)/);
    expect(['QUERY_TOO_DEEP', 'QUERY_TOO_LARGE']).toContain(error?.extensions?.code);
  });

  it('refuses a deeply nested query under the token limit by its brace nesting', async () => {
    const instance = await start();
    const query = `{ library(id: "lib") { ${'entities { records { library { '.repeat(600)}id${' } } }'.repeat(600)} } }`;
    const result = await gql(instance.graphqlUrl, query);
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
  });

  it('caps limit, also when it comes from a variable', async () => {
    const instance = await start({ maxListLimit: 100 });
    const literal = await gql(
      instance.graphqlUrl,
      '{ library(id: "lib") { entities(limit: 101) { count } } }',
    );
    expect(literal.status).toBe(400);
    expect(literal.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('entities(limit: 101) asks for more than 100 records'),
      extensions: { code: 'LIMIT_TOO_LARGE' },
    });
    const variable = await gql(instance.graphqlUrl, 'query($n: Int) { entities(limit: $n) { count } }', {
      n: 1_000_000,
    });
    expect(variable.body.errors?.[0]?.extensions?.code).toBe('LIMIT_TOO_LARGE');
    const fine = await gql(instance.graphqlUrl, '{ library(id: "lib") { entities(limit: 100) { count } } }');
    expect(fine.body.data?.library.entities.count).toBe(ENTITIES);
  });

  it('counts fragments in the estimate', async () => {
    const instance = await start({ maxQueryDepth: 40, maxQueryCost: 100 });
    const result = await gql(
      instance.graphqlUrl,
      `query { library(id: "lib") { ...L } }
       fragment L on Library { entities { records { library { entities { records { id } } } } } }`,
    );
    expect(result.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('core emulator under hostile bodies and uploads', () => {
  it('refuses a JSON body over maxBodyBytes with 413, declared or streamed', async () => {
    const instance = await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({
      query: `{ library(id: "lib") { id } }`,
      variables: { pad: 'x'.repeat(4096) },
    });
    const declared = await fetch(instance.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(
      ((await declared.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('PAYLOAD_TOO_LARGE');
    const chunked = await fetch(instance.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    // The server keeps answering afterwards.
    expect((await gql(instance.graphqlUrl, '{ library(id: "lib") { id } }')).status).toBe(200);
  });

  it('streams an upload to a file in the blob folder, and refuses one over maxUploadBytes leaving no file', async () => {
    const instance = await start({ maxUploadBytes: 64 * 1024 });
    const ok = await gqlMultipart(
      instance.graphqlUrl,
      uploadQuery('m'),
      {},
      {
        data: new Uint8Array(64 * 1024),
        contentType: 'application/octet-stream',
        filename: 'model.bin',
      },
    );
    expect(ok.status).toBe(200);
    const blobId = instance.store.models.get('m')?.blobId as string;
    expect(blobFiles(instance)).toEqual([blobId]);
    const tooBig = await gqlMultipart(
      instance.graphqlUrl,
      uploadQuery('m'),
      {},
      {
        data: new Uint8Array(64 * 1024 + 1),
        contentType: 'application/octet-stream',
        filename: 'model.bin',
      },
    );
    expect(tooBig.status).toBe(413);
    expect(blobFiles(instance)).toEqual([blobId]);
  });

  it('removes an upload that no resolver kept (invalid query), and refuses a second file part', async () => {
    const instance = await start();
    const invalid = await gqlMultipart(
      instance.graphqlUrl,
      '{ nope }',
      {},
      {
        data: 'x',
        contentType: 'text/plain',
        filename: 'x.txt',
      },
    );
    expect(invalid.body.errors?.[0]?.message).toMatch(/nope/);
    expect(blobFiles(instance)).toEqual([]);

    const form = new FormData();
    form.append('query', uploadQuery('m'));
    form.append('file', new Blob(['a']), 'a.bin');
    form.append('file', new Blob(['b']), 'b.bin');
    const twoFiles = await fetch(instance.graphqlUrl, { method: 'POST', body: form });
    expect(twoFiles.status).toBe(400);
    expect(await twoFiles.text()).toMatch(/one file part/);
    expect(blobFiles(instance)).toEqual([]);
  });

  it('answers malformed multipart, bad variables and bad request targets with 4xx', async () => {
    const instance = await start();
    const broken = await fetch(instance.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ library',
    });
    expect(broken.status).toBe(400);
    const form = new FormData();
    form.append('query', '{ library(id: "lib") { id } }');
    form.append('variables', '[1,2]');
    expect((await fetch(instance.graphqlUrl, { method: 'POST', body: form })).status).toBe(400);
    expect((await fetch(`${instance.url}/media/%E0%A4%A`)).status).toBe(404);
    expect((await rawRequest(instance.url, { path: '//[bad' })).status).toBeLessThan(500);
  });

  it('removes the staging file of an upload whose client disconnects mid-body', async () => {
    const instance = await start();
    const target = new URL(instance.graphqlUrl);
    const body = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ libraries { count } }\r\n' +
        '--b\r\nContent-Disposition: form-data; name="file"; filename="m.bin"\r\n\r\n' +
        'x'.repeat(64 * 1024),
    );
    await new Promise<void>((resolve) => {
      const req = request({
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: target.pathname,
        headers: {
          'content-type': 'multipart/form-data; boundary=b',
          'content-length': String(body.length * 4),
        },
      });
      req.on('error', () => resolve());
      req.write(body, () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 200);
      });
    });
    for (let attempt = 0; attempt < 100 && blobFiles(instance).length > 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(blobFiles(instance)).toEqual([]);
    expect((await gql(instance.graphqlUrl, '{ libraries { count } }')).body.data?.libraries.count).toBe(1);
  });

  it('removes the private blob folder on close', async () => {
    const instance = await start();
    const folder = instance.store.blobDir;
    expect(existsSync(folder)).toBe(true);
    await instance.close();
    emulator = undefined;
    expect(existsSync(folder)).toBe(false);
  });
});

describe('core emulator URLs and control routes', () => {
  it('never reflects the Host header into dataUrl', async () => {
    const instance = await start();
    await gqlMultipart(
      instance.graphqlUrl,
      uploadQuery('m'),
      {},
      {
        data: 'model',
        contentType: 'application/octet-stream',
        filename: 'model.bin',
      },
    );
    const answer = await rawRequest(instance.graphqlUrl, {
      method: 'POST',
      headers: { host: 'a@evil.example/x?', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ libraryEngineModel(id: "m") { dataUrl } }' }),
    });
    const dataUrl = (JSON.parse(answer.body) as { data: { libraryEngineModel: { dataUrl: string } } }).data
      .libraryEngineModel.dataUrl;
    expect(dataUrl.startsWith(`${instance.url}/media/`)).toBe(true);
    expect(dataUrl).not.toContain('evil');
  });

  it('uses publicUrl for media URLs when one is configured, and refuses a publicUrl that is not an origin', async () => {
    const instance = await start({ publicUrl: 'http://core.example:4000' });
    await gqlMultipart(
      instance.graphqlUrl,
      uploadQuery('m'),
      {},
      {
        data: 'model',
        contentType: 'application/octet-stream',
        filename: 'model.bin',
      },
    );
    const read = await gql(instance.graphqlUrl, '{ libraryEngineModel(id: "m") { dataUrl } }');
    expect(read.body.data?.libraryEngineModel.dataUrl).toMatch(/^http:\/\/core\.example:4000\/media\//);
    await expect(startCoreEmulator({ publicUrl: 'ftp://x' })).rejects.toMatchObject({
      code: 'invalid_options',
    });
    await expect(startCoreEmulator({ publicUrl: 'http://u:p@x' })).rejects.toMatchObject({
      code: 'invalid_options',
    });
  });

  it('requires the token on /_emulator/* routes when a token is set', async () => {
    const instance = await start({ token: 'control-token' });
    for (const path of ['/_emulator/stats', '/_emulator/jobs']) {
      expect((await fetch(`${instance.url}${path}`)).status).toBe(401);
      const ok = await fetch(`${instance.url}${path}`, {
        headers: { authorization: 'Bearer control-token' },
      });
      expect(ok.status).toBe(200);
    }
    expect((await fetch(`${instance.url}/_emulator/stats`, { method: 'DELETE' })).status).toBe(401);
  });
});
