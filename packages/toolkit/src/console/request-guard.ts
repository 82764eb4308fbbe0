import { isIP } from 'node:net';
import { RequestError } from '../common/errors.ts';

/** Splits a `Host` header (`name`, `name:port`, `[v6]:port`) into its lower-case host name. */
export function hostNameOf(host: string): string | undefined {
  const trimmed = host.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]/@?#\s]+)(?::(\d{1,5}))?$/.exec(trimmed);
  if (!match) return undefined;
  return match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!.replace(/\.$/, '');
}

/**
 * DNS rebinding needs a name that resolves to this machine: a `Host` that is an IP literal,
 * `localhost` (or `*.localhost`), the address the console is bound to, or a name listed in
 * `allowedHosts` is accepted; any other name is refused.
 */
export function isAllowedHost(
  host: string | undefined,
  boundHost: string,
  allowedHosts: readonly string[] = [],
): boolean {
  if (host === undefined) return false;
  const name = hostNameOf(host);
  if (name === undefined) return false;
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const bound = boundHost.toLowerCase().replace(/^\[|\]$/g, '');
  return name === bound || allowedHosts.some((allowed) => allowed.toLowerCase() === name);
}

/**
 * A state-changing request from a browser carries `Origin`; it must be the console's own origin
 * (same host and port as `Host`). Requests without `Origin` (curl, scripts) are not cross-site.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  fetchSite?: string,
): boolean {
  if (fetchSite === 'cross-site') return false;
  if (origin === undefined) return true;
  if (host === undefined) return false;
  try {
    const parsed = new URL(origin);
    return (
      (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
      parsed.host === new URL(`http://${host}`).host
    );
  } catch {
    return false;
  }
}

/** Throws the 403 for a foreign `Host` (every route) or a foreign `Origin` (state-changing routes). */
export function guardRequest(
  request: { method?: string; headers: Record<string, string | string[] | undefined> },
  boundHost: string,
  allowedHosts: readonly string[] = [],
): void {
  const host = single(request.headers.host);
  if (!isAllowedHost(host, boundHost, allowedHosts)) {
    throw new RequestError(
      403,
      'host_not_allowed',
      `Host ${JSON.stringify(host ?? '')} is not this console's address (DNS rebinding protection); use 127.0.0.1, localhost or allowedHosts`,
    );
  }
  const method = (request.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
  const origin = single(request.headers.origin);
  if (!isAllowedOrigin(origin, host, single(request.headers['sec-fetch-site']))) {
    throw new RequestError(
      403,
      'origin_not_allowed',
      `cross-site ${method} refused: Origin ${JSON.stringify(origin ?? 'none')} is not this console`,
    );
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
