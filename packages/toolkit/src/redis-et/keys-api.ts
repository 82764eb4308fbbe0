import type { IncomingMessage, ServerResponse } from 'node:http';
import { REDIS_ET_DEFAULT_TTL_SECONDS } from '@engine-kit/contracts';
import { RequestError } from '../common/errors.ts';
import { readBody, sendError, sendText } from '../common/http.ts';
import type { KeyValueStore } from './store.ts';

/** The job and task ids a running task may touch; everything else answers 404. */
export interface RedisEtScopes {
  allows(scope: 'job' | 'task', id: string): boolean;
}

export type KeysPath = { scope: 'job' | 'task'; id: string; key: string };

/** `/keys/j{internalJobId}/{key}` or `/keys/t{internalTaskId}/{key}`; the key may contain slashes. */
export function parseKeysPath(pathname: string): KeysPath | undefined {
  const match = /^\/keys\/([jt])([^/]+)\/(.+)$/.exec(pathname);
  if (!match) return undefined;
  try {
    return {
      scope: match[1] === 'j' ? 'job' : 'task',
      id: decodeURIComponent(match[2]!),
      key: decodeURIComponent(match[3]!),
    };
  } catch {
    return undefined;
  }
}

/** `ttlInSeconds` must be a positive integer; absent means the 24 h default. */
export function parseTtl(value: string | null): number | undefined {
  if (value === null) return REDIS_ET_DEFAULT_TTL_SECONDS;
  if (!/^\d+$/.test(value)) return undefined;
  const ttl = Number(value);
  return ttl > 0 && Number.isSafeInteger(ttl) ? ttl : undefined;
}

/**
 * `j{id}:{key}` / `t{id}:{key}` with the id percent-encoded: an encoded id never contains `:`, so
 * the first `:` always ends it and no (id, key) pair can reach another's entry (job `J` key
 * `secret:token` and job `J:secret` key `token` are different entries). Plain ids are unchanged.
 */
export function storeKey(path: KeysPath): string {
  return `${path.scope === 'job' ? 'j' : 't'}${encodeURIComponent(path.id)}:${path.key}`;
}

/** Serves the seed's redisET keys API with its status codes (200, 404, 400, 500). */
export async function handleKeysRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  store: KeyValueStore,
  scopes: RedisEtScopes,
): Promise<void> {
  const path = parseKeysPath(url.pathname);
  if (!path && /^\/keys\/[jt][^/]+\/./.test(url.pathname)) {
    sendError(
      request,
      response,
      new RequestError(400, 'bad_percent_encoding', 'the key path is not valid percent-encoding'),
    );
    return;
  }
  if (!path || !scopes.allows(path.scope, path.id)) {
    sendText(
      response,
      404,
      `not found: keys can only be read and written for this task's own internalJobId/internalTaskId`,
    );
    return;
  }
  try {
    if (request.method === 'GET') {
      const value = await store.get(storeKey(path));
      if (value === undefined) {
        sendText(response, 404, `key "${path.key}" does not exist or has expired`);
        return;
      }
      response.statusCode = 200;
      response.setHeader('content-type', 'application/octet-stream');
      response.end(value);
      return;
    }
    if (request.method === 'POST') {
      const ttl = parseTtl(url.searchParams.get('ttlInSeconds'));
      if (ttl === undefined) {
        sendText(response, 400, 'ttlInSeconds must be a positive whole number of seconds');
        return;
      }
      const body = await readBody(request);
      if (body.length === 0) {
        sendText(response, 400, 'missing body: POST the value to store as the request body');
        return;
      }
      await store.set(storeKey(path), body, ttl);
      sendText(response, 200);
      return;
    }
    response.setHeader('allow', 'GET, POST');
    sendText(response, 405, 'only GET and POST are supported on /keys');
  } catch (error) {
    sendError(request, response, error, 'key store error');
  }
}
