import { CHUNK_METADATA_PREFIX } from './common/chunk-metadata.ts';
import { issue, type ParseResult, setOwn } from './common/issues.ts';

export interface NotificationParams {
  internalJobID: string;
  internalTaskID: string;
  jobID: string;
  taskID: string;
  chunkID: string;
  /** When the chunk was produced. */
  timestamp: string | number;
}

/** Query keys in the order the seed writes them. */
export const NOTIFICATION_PARAM_KEYS = [
  'internalJobID',
  'internalTaskID',
  'jobID',
  'taskID',
  'chunkID',
  'timestamp',
] as const;

/** Prefix of chunk metadata keys the toolkit forwards as headers of a notification POST. */
export const AIWARE_HEADER_PREFIX = 'x-aiware-';

/**
 * The URL the toolkit POSTs a finished chunk's output to, for a task created with `sendOutputToUris`.
 * The seed writes the pattern as `{uri}/internalJobID=...&...` with a `/` (not `?`) before the first key;
 * that is kept exactly, because notification servers written against the docs split on it. Trailing slashes
 * of `uri` are dropped so the result never holds `//`. Values are percent-encoded.
 */
export function buildNotificationUrl(uri: string, params: NotificationParams): string {
  const query = NOTIFICATION_PARAM_KEYS.map(
    (key) => `${key}=${encodeURIComponent(String(params[key]))}`,
  ).join('&');
  return `${uri.replace(/\/+$/, '')}/${query}`;
}

/** Splits a notification URL back into its base `uri` and parameters (`timestamp` stays text). Never throws. */
export function parseNotificationUrl(
  url: string,
): ParseResult<{ uri: string; params: Omit<NotificationParams, 'timestamp'> & { timestamp: string } }> {
  if (typeof url !== 'string')
    return { success: false, issues: [issue('', 'invalid_type', 'the URL must be a string')] };
  const marker = url.lastIndexOf(`/${NOTIFICATION_PARAM_KEYS[0]}=`);
  if (marker < 0) {
    return {
      success: false,
      issues: [issue('', 'invalid_notification_url', 'no /internalJobID= segment found')],
    };
  }
  const values = new Map<string, string>();
  for (const pair of url.slice(marker + 1).split('&')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    const decoded = safeDecode(pair.slice(separator + 1));
    if (decoded === undefined) {
      return {
        success: false,
        issues: [issue('', 'invalid_notification_url', `bad percent-encoding in ${pair}`)],
      };
    }
    values.set(pair.slice(0, separator), decoded);
  }
  const missing = NOTIFICATION_PARAM_KEYS.filter((key) => !values.has(key));
  if (missing.length > 0) {
    return {
      success: false,
      issues: missing.map((key) =>
        issue(`/${key}`, 'missing_parameter', `the notification URL has no ${key}`),
      ),
    };
  }
  const params = Object.fromEntries(NOTIFICATION_PARAM_KEYS.map((key) => [key, values.get(key) as string]));
  return {
    success: true,
    data: {
      uri: url.slice(0, marker),
      params: params as Omit<NotificationParams, 'timestamp'> & { timestamp: string },
    },
  };
}

/**
 * Headers of a notification POST: every chunk metadata entry whose key starts with `x-aiware-` (with or
 * without the `chunk-metadata-` prefix of `/process` fields), e.g. `chunk-metadata-x-aiware-chunk-timestamp`
 * becomes `x-aiware-chunk-timestamp`. Values that cannot be header values (line breaks, NUL) are left out.
 */
export function notificationHeaders(chunkMetadata: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [rawKey, value] of Object.entries(chunkMetadata)) {
    const key = (
      rawKey.startsWith(CHUNK_METADATA_PREFIX) ? rawKey.slice(CHUNK_METADATA_PREFIX.length) : rawKey
    ).toLowerCase();
    if (!key.startsWith(AIWARE_HEADER_PREFIX) || typeof value !== 'string') continue;
    if (!HEADER_NAME.test(key) || /[\r\n\0]/.test(value)) continue;
    setOwn(headers, key, value.trim());
  }
  return headers;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
