/**
 * Redaction of secrets before text reaches an error, a log line or a summary.
 *
 * Two kinds of secret travel through engines: signed URLs (an S3 `dataUrl` carries its
 * signature in the query string, a URL may carry `user:password@`) and bearer tokens. URLs are
 * redacted structurally (every query value, the userinfo and the fragment go; scheme, host and
 * path stay so the message still says which resource failed). Tokens are redacted as whole
 * values: a token `t` must not turn `UpdateLibraryEngineModel` into `Upda[REDACTED]e...`.
 */

/** What a redacted value is replaced with. */
export const REDACTED = 'REDACTED';

/**
 * Secrets shorter than this are not redacted by {@link redactSecrets}: a short value occurs by
 * chance in ordinary text, so replacing it garbles messages and, by where the replacements land,
 * tells a reader the secret anyway. Callers that accept a secret should check it with
 * {@link isRedactableSecret} and warn or refuse when it is too short.
 */
export const MIN_REDACTABLE_SECRET_LENGTH = 8;

/** Whether `secret` is long enough for {@link redactSecrets} to redact it safely. */
export function isRedactableSecret(secret: string): boolean {
  return secret.length >= MIN_REDACTABLE_SECRET_LENGTH;
}

/**
 * `url` with its userinfo dropped, every query value replaced by `REDACTED` (a query part without
 * `=` is replaced whole), and a fragment replaced by `#REDACTED`. Scheme, host, port and path are
 * kept. Input that does not parse as a URL is cut at its first `?` or `#` instead, and anything
 * that looks like `scheme://userinfo@` loses the userinfo: this function never throws.
 */
export function redactUrl(url: string | URL): string {
  const text = typeof url === 'string' ? url : url.href;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return redactUnparsableUrl(text);
  }
  parsed.username = '';
  parsed.password = '';
  const query = redactQuery(parsed.search.slice(1));
  const fragment = parsed.hash ? `#${REDACTED}` : '';
  parsed.search = '';
  parsed.hash = '';
  return `${parsed.href}${query ? `?${query}` : ''}${fragment}`;
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      return equals > 0 ? `${part.slice(0, equals)}=${REDACTED}` : REDACTED;
    })
    .join('&');
}

function redactUnparsableUrl(text: string): string {
  const withoutUserinfo = text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1');
  const cut = withoutUserinfo.search(/[?#]/);
  if (cut === -1) return withoutUserinfo;
  return `${withoutUserinfo.slice(0, cut)}${withoutUserinfo[cut] === '?' ? '?' : '#'}${REDACTED}`;
}

/**
 * An http(s) URL inside free text: it stops at white space, quotes, angle brackets and
 * backticks; trailing sentence punctuation is given back to the text (see {@link splitTrailing}).
 */
const URL_IN_TEXT = /https?:\/\/[^\s"'<>`]+/gi;

/** `text` with every http(s) URL in it passed through {@link redactUrl}. */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const { url, trailing } = splitTrailing(match);
    return `${redactUrl(url)}${trailing}`;
  });
}

/** `https://x/a.` at the end of a sentence: the dot (or `)`, `,`, ...) belongs to the sentence. */
function splitTrailing(match: string): { url: string; trailing: string } {
  const trailing = /[.,;:!?)\]}]+$/.exec(match)?.[0] ?? '';
  return { url: match.slice(0, match.length - trailing.length), trailing };
}

/** Characters that can continue a token: a secret next to one of them is part of a longer word. */
const WORD_CHARACTER = /[A-Za-z0-9_-]/;

/**
 * `text` with every occurrence of each secret, as a whole value, replaced by `[REDACTED]`. A whole
 * value is one not continued by a letter, digit, `_` or `-` on either side, so a secret `t` never
 * matches inside `UpdateLibraryEngineModel`. The secret's percent-encoded and JSON-escaped forms
 * are redacted too. Secrets shorter than {@link MIN_REDACTABLE_SECRET_LENGTH} are ignored (see
 * there why); empty and duplicate secrets are ignored as well.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!isRedactableSecret(secret)) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another is replaced whole.
  let result = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    result = replaceWholeValue(result, form);
  }
  return result;
}

function replaceWholeValue(text: string, value: string): string {
  const before = WORD_CHARACTER.test(value[0] ?? '') ? '(?<![A-Za-z0-9_-])' : '';
  const after = WORD_CHARACTER.test(value.at(-1) ?? '') ? '(?![A-Za-z0-9_-])' : '';
  const pattern = new RegExp(`${before}${escapeRegExp(value)}${after}`, 'g');
  return text.replace(pattern, `[${REDACTED}]`);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
