import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLibraryClient, type LibraryClientEvent } from '../src/index.ts';
import { ENDPOINT } from './fake-api.ts';

const TOKEN = 'secret-token-4f1c9a';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Everything a person could see of an error: message, stack, fields and the cause chain. */
function visibleText(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 6; depth += 1) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '', JSON.stringify({ ...current }));
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join('\n');
}

describe('token redaction', () => {
  it('sends the token only in the Authorization header', async () => {
    let authorization: string | null = null;
    server.use(
      http.post(ENDPOINT, ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json({ data: { library: null } });
      }),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, token: TOKEN });
    await client.getLibrary('lib').catch(() => undefined);
    expect(authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('removes the token from HTTP error messages and bodies that echo it', async () => {
    server.use(
      http.post(
        ENDPOINT,
        () => new HttpResponse(`invalid token ${TOKEN} (Bearer ${TOKEN})`, { status: 401 }),
      ),
    );
    const events: LibraryClientEvent[] = [];
    const client = createLibraryClient({
      endpoint: ENDPOINT,
      token: TOKEN,
      logger: (event) => events.push(event),
    });
    const error = await client.getLibrary('lib').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 401, failureReason: 'api_authentication_error' });
    expect(visibleText(error)).toContain('[REDACTED]');
    expect(visibleText(error)).not.toContain(TOKEN);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });

  it('removes the token from GraphQL error messages', async () => {
    server.use(
      http.post(ENDPOINT, () =>
        HttpResponse.json({
          errors: [{ message: `token ${TOKEN} expired`, extensions: { header: `Bearer ${TOKEN}` } }],
        }),
      ),
    );
    const client = createLibraryClient({ endpoint: ENDPOINT, token: TOKEN });
    const error = await client.getLibrary('lib').catch((caught: unknown) => caught);
    expect(visibleText(error)).not.toContain(TOKEN);
    expect(JSON.stringify((error as { errors: unknown }).errors)).not.toContain(TOKEN);
  });

  it('removes the token from the cause of a network error and from log events', async () => {
    const leakyFetch: typeof fetch = async (_input, init) => {
      const header = new Headers(init?.headers).get('authorization');
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error(`connect ECONNRESET while sending ${header}`), { code: 'ECONNRESET' }),
      });
    };
    const events: LibraryClientEvent[] = [];
    const client = createLibraryClient({
      endpoint: ENDPOINT,
      token: TOKEN,
      fetch: leakyFetch,
      retries: 1,
      retryBaseDelayMs: 1,
      logger: (event) => events.push(event),
    });
    const error = await client.getLibrary('lib').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'network_error', failureReason: 'url_error' });
    expect(visibleText(error)).toContain('ECONNRESET');
    expect(visibleText(error)).not.toContain(TOKEN);
    expect(events.some((event) => event.type === 'retry')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });
});
