import { describe, expect, it } from 'vitest';
import { classifyProcessResponse, classifyReadyStatus, mimeTypeOf } from '../src/index.ts';

const faces = JSON.stringify({
  series: [{ startTimeMs: 0, stopTimeMs: 10, object: { type: 'face', confidence: 0.9 } }],
});

describe('classifyProcessResponse', () => {
  it('reads a 200 VTN JSON body as a synchronous result', () => {
    const outcome = classifyProcessResponse(200, 'application/json; charset=utf-8', faces);
    expect(outcome).toMatchObject({ kind: 'vtn', status: 200, output: JSON.parse(faces) });
  });

  it('reads a VTN body given as bytes and without a content type', () => {
    const outcome = classifyProcessResponse(200, null, new TextEncoder().encode(faces));
    expect(outcome.kind).toBe('vtn');
  });

  it('reads the acknowledgement as an asynchronous answer', () => {
    const body = JSON.stringify({ estimatedProcessingTimeInSeconds: 600 });
    expect(classifyProcessResponse(200, 'application/json', body)).toEqual({
      kind: 'async',
      status: 200,
      estimatedProcessingTimeInSeconds: 600,
    });
  });

  it('reads a bad acknowledgement as invalid data, not as a VTN result', () => {
    const body = JSON.stringify({ estimatedProcessingTimeInSeconds: 'soon' });
    expect(classifyProcessResponse(200, 'application/json', body)).toMatchObject({
      kind: 'failure',
      failureReason: 'invalid_data',
    });
  });

  it.each([
    [204, 'application/json', faces],
    [200, 'application/json', ''],
    [200, null, '  \n'],
    [200, 'text/plain', new Uint8Array()],
  ])('reads %i with body %j as ignored', (status, contentType, body) => {
    expect(classifyProcessResponse(status, contentType, body)).toEqual({ kind: 'ignored', status });
  });

  it('keeps a non-VTN body with its MIME type', () => {
    const ttml = '<tt xmlns="http://www.w3.org/ns/ttml"></tt>';
    expect(classifyProcessResponse(200, 'application/ttml+xml; charset=utf-8', ttml)).toEqual({
      kind: 'non-vtn',
      status: 200,
      mimeType: 'application/ttml+xml',
      body: ttml,
    });
  });

  it('calls an unlabeled non-JSON body application/octet-stream', () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff]);
    expect(classifyProcessResponse(200, null, bytes)).toMatchObject({
      kind: 'non-vtn',
      mimeType: 'application/octet-stream',
      body: bytes,
    });
  });

  it('reads an error status as a failure carrying the engine text', () => {
    expect(classifyProcessResponse(500, 'text/plain', 'model file missing\n')).toEqual({
      kind: 'failure',
      status: 500,
      message: 'model file missing',
      failureReason: 'internal_error',
      issues: [],
    });
  });

  it('gives a failure without text a message that names the status', () => {
    const outcome = classifyProcessResponse(502, null, '');
    expect(outcome.kind === 'failure' && outcome.message).toMatch(/HTTP 502/);
  });

  it('reads malformed JSON and invalid VTN as invalid data with issues', () => {
    expect(classifyProcessResponse(200, 'application/json', '{"series":')).toMatchObject({
      kind: 'failure',
      failureReason: 'invalid_data',
    });
    const invalid = classifyProcessResponse(200, 'application/json', '{"series":"x"}');
    expect(invalid.kind === 'failure' && invalid.issues.length).toBeGreaterThan(0);
    expect(invalid.kind === 'failure' && invalid.issues[0]?.path).toMatch(/^\/series/);
  });

  it('understands vendor JSON types such as application/vtn-engineout+json', () => {
    expect(classifyProcessResponse(200, 'application/vtn-engineout+json', faces).kind).toBe('vtn');
  });
});

describe('classifyReadyStatus', () => {
  it.each([
    [200, 'ready'],
    [503, 'not-ready'],
    [500, 'shutdown'],
    [404, 'unknown'],
    [204, 'unknown'],
    [502, 'unknown'],
  ] as const)('%i means %s', (status, state) => {
    expect(classifyReadyStatus(status)).toBe(state);
  });
});

describe('mimeTypeOf', () => {
  it('drops parameters and case', () => {
    expect(mimeTypeOf('Text/Plain; charset=UTF-8')).toBe('text/plain');
    expect(mimeTypeOf('nonsense')).toBeUndefined();
    expect(mimeTypeOf(null)).toBeUndefined();
  });
});
