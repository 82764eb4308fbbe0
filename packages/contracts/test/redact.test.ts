import { describe, expect, it } from 'vitest';
import {
  isRedactableSecret,
  MIN_REDACTABLE_SECRET_LENGTH,
  redactSecrets,
  redactUrl,
  redactUrlsInText,
} from '../src/index.ts';

const SIGNED =
  'https://bucket.s3.amazonaws.com/models/m1.tar?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123abcdef&X-Amz-Credential=AKIA%2F20260101';

describe('redactUrl', () => {
  it('replaces every query value and keeps scheme, host and path', () => {
    expect(redactUrl(SIGNED)).toBe(
      'https://bucket.s3.amazonaws.com/models/m1.tar?X-Amz-Algorithm=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED',
    );
  });

  it('drops userinfo and keeps the port', () => {
    expect(redactUrl('http://alice:s3cret@127.0.0.1:8080/a/b')).toBe('http://127.0.0.1:8080/a/b');
    expect(redactUrl(new URL('https://token@example.com/x?y=1'))).toBe('https://example.com/x?y=REDACTED');
  });

  it('replaces a query part without "=" and a fragment whole', () => {
    expect(redactUrl('https://example.com/p?sekrit&a=&b=2#access_token=abc')).toBe(
      'https://example.com/p?REDACTED&a=REDACTED&b=REDACTED#REDACTED',
    );
  });

  it('leaves a URL without secrets as it is', () => {
    expect(redactUrl('https://example.com/models/m1.tar')).toBe('https://example.com/models/m1.tar');
  });

  it('never throws on input that is not a URL and still cuts the query', () => {
    expect(redactUrl('not a url?token=abc')).toBe('not a url?REDACTED');
    expect(redactUrl('http://user:pw@[bad host/x?sig=1')).toBe('http://[bad host/x?REDACTED');
    expect(redactUrl('relative/path#frag')).toBe('relative/path#REDACTED');
    expect(redactUrl('')).toBe('');
    expect(redactUrl('plain')).toBe('plain');
  });
});

describe('redactUrlsInText', () => {
  it('redacts each URL in a message and gives trailing punctuation back to the sentence', () => {
    const text = `GET ${SIGNED} answered 500 (see http://u:p@127.0.0.1:9/x?a=1).`;
    expect(redactUrlsInText(text)).toBe(
      'GET https://bucket.s3.amazonaws.com/models/m1.tar?X-Amz-Algorithm=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED answered 500 (see http://127.0.0.1:9/x?a=REDACTED).',
    );
  });

  it('stops a URL at quotes, so JSON stays JSON', () => {
    expect(redactUrlsInText('{"dataUrl":"https://h/x?sig=abc","n":1}')).toBe(
      '{"dataUrl":"https://h/x?sig=REDACTED","n":1}',
    );
  });

  it('leaves text without URLs alone', () => {
    expect(redactUrlsInText('nothing to see: ftp-like words, http without colon')).toBe(
      'nothing to see: ftp-like words, http without colon',
    );
  });

  it('handles upper-case schemes', () => {
    expect(redactUrlsInText('at HTTPS://Example.com/a?k=v')).toBe('at https://example.com/a?k=REDACTED');
  });
});

describe('redactSecrets', () => {
  const token = 'tok-0123456789abcdef';

  it('replaces a secret as a whole value in headers, URLs and echoed fields', () => {
    const text = `Authorization: Bearer ${token}; url https://h/x?token=${token}; {"token":"${token}"}`;
    expect(redactSecrets(text, [token])).toBe(
      'Authorization: Bearer [REDACTED]; url https://h/x?token=[REDACTED]; {"token":"[REDACTED]"}',
    );
  });

  it('does not replace a secret inside a longer word', () => {
    const secret = 'Library1';
    expect(redactSecrets('UpdateLibrary1EngineModel Library1s Library1 x_Library1', [secret])).toBe(
      'UpdateLibrary1EngineModel Library1s [REDACTED] x_Library1',
    );
  });

  it('redacts the percent-encoded and JSON-escaped forms of a secret', () => {
    const secret = 'a/b+c"d\\e==';
    const text = `q=${encodeURIComponent(secret)} j=${JSON.stringify(secret)}`;
    expect(redactSecrets(text, [secret])).toBe('q=[REDACTED] j="[REDACTED]"');
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    expect(redactSecrets('x abcdefgh-ijkl y abcdefgh', ['abcdefgh', 'abcdefgh-ijkl'])).toBe(
      'x [REDACTED] y [REDACTED]',
    );
  });

  it('ignores secrets too short to redact safely, and empty ones', () => {
    expect(MIN_REDACTABLE_SECRET_LENGTH).toBe(8);
    expect(isRedactableSecret('t')).toBe(false);
    expect(isRedactableSecret('12345678')).toBe(true);
    const text = 'UpdateLibraryEngineModel t failed';
    expect(redactSecrets(text, ['t', '', 'short'])).toBe(text);
  });

  it('treats regular-expression characters in a secret literally', () => {
    expect(redactSecrets('a.b*c+d?e a-b-c-d-e', ['a.b*c+d?e'])).toBe('[REDACTED] a-b-c-d-e');
  });
});
