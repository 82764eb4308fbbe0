import { describe, expect, it } from 'vitest';
import {
  buildProcessForm,
  ContractError,
  type ProcessRequest,
  parseProcessRequest,
  processRequestToFields,
} from '../src/index.ts';

const ids = { internalJobId: 'ij-1', internalTaskId: 'it-1' };

describe('parseProcessRequest', () => {
  it('coerces the integer fields from their text form', () => {
    const result = parseProcessRequest({
      ...ids,
      startOffsetMS: '1000',
      endOffsetMS: '2000',
      width: '640',
      height: '480',
      maxTTL: '3600',
      chunkIndex: '7',
    });
    expect(result).toMatchObject({
      success: true,
      data: { startOffsetMS: 1000, endOffsetMS: 2000, width: 640, height: 480, maxTTL: 3600, chunkIndex: 7 },
    });
  });

  it('parses the payload into a typed library-run payload and keeps its extra keys', () => {
    const payload = JSON.stringify({
      mode: 'library-run',
      libraryId: 'l',
      libraryEngineModelId: 'm',
      minScore: 0.4,
    });
    const result = parseProcessRequest({ ...ids, payload });
    expect(result.success && result.data.payload).toEqual({
      mode: 'library-run',
      libraryId: 'l',
      libraryEngineModelId: 'm',
      minScore: 0.4,
    });
  });

  it('treats a missing or blank payload as an empty processing payload', () => {
    expect(parseProcessRequest(ids)).toMatchObject({ success: true, data: { payload: {} } });
    expect(parseProcessRequest({ ...ids, payload: '  ' })).toMatchObject({
      success: true,
      data: { payload: {} },
    });
  });

  it('gathers chunk-metadata-* fields into one record without the prefix', () => {
    const result = parseProcessRequest({
      ...ids,
      'chunk-metadata-x-aiware-chunk-timestamp': '1732262400000',
      'chunk-metadata-camera': 'gate-3',
    });
    expect(result.success && result.data.chunkMetadata).toEqual({
      'x-aiware-chunk-timestamp': '1732262400000',
      camera: 'gate-3',
    });
  });

  it('keeps fields it does not know in extra, because the toolkit adds fields over time', () => {
    const result = parseProcessRequest({ ...ids, shinyNewField: 'yes' });
    expect(result.success && result.data.extra).toEqual({ shinyNewField: 'yes' });
  });

  it('reports a non-integer field with its path and a stable code', () => {
    const result = parseProcessRequest({ ...ids, width: 'wide', maxTTL: '1e3' });
    expect(result.success).toBe(false);
    expect(!result.success && result.issues.map((found) => [found.path, found.code])).toEqual([
      ['/width', 'invalid_format'],
      ['/maxTTL', 'invalid_format'],
    ]);
  });

  it('rejects integers beyond 15 digits, the bound the JSON Schema pattern states too', () => {
    expect(parseProcessRequest({ ...ids, maxTTL: '999999999999999' }).success).toBe(true);
    const result = parseProcessRequest({ ...ids, maxTTL: '1000000000000000' });
    expect(!result.success && result.issues[0]?.path).toBe('/maxTTL');
  });

  it('reports payload problems under /payload', () => {
    const broken = parseProcessRequest({ ...ids, payload: '{"mode": }' });
    expect(!broken.success && broken.issues[0]).toMatchObject({ path: '/payload', code: 'invalid_json' });
    const array = parseProcessRequest({ ...ids, payload: '[1]' });
    expect(!array.success && array.issues).toEqual([
      { path: '/payload', code: 'invalid_format', message: 'must be the JSON text of an object' },
    ]);
    const missing = parseProcessRequest({ ...ids, payload: '{"mode":"library-train","libraryId":"l"}' });
    expect(!missing.success && missing.issues[0]?.path).toBe('/payload/libraryEngineModelId');
  });

  it('accepts a request without internal ids, as the Go toolkit sends it, with a warning and local ids', () => {
    const result = parseProcessRequest({ internalJobId: 'ij', chunkMimeType: 'image/png', payload: 'null' });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data.internalJobId).toBe('ij');
    expect(result.data.internalTaskId).toMatch(/^local-task-[0-9a-f-]{36}$/);
    expect(result.data.payload).toEqual({});
    expect(result.warnings).toEqual([
      {
        path: '/internalTaskId',
        code: 'missing_internal_id',
        message: expect.stringContaining(`using the local id ${result.data.internalTaskId}`),
      },
    ]);
  });

  it('refuses a request without internal ids when strict', () => {
    const result = parseProcessRequest({ internalJobId: 'ij' }, { strict: true });
    expect(!result.success && result.issues.map((found) => found.path)).toEqual(['/internalTaskId']);
  });

  it.each([
    ['null', {}],
    ['', {}],
    ['{"mode":"mode","x":1}', { mode: 'mode', x: 1 }],
  ])('takes payload %j as ordinary processing', (payload, expected) => {
    const result = parseProcessRequest({ ...ids, payload });
    expect(result).toMatchObject({ success: true, data: { payload: expected } });
  });

  it('warns about a payload.mode that is not a library mode, and refuses it when strict', () => {
    const loose = parseProcessRequest({ ...ids, payload: '{"mode":"mode"}' });
    expect(loose.warnings).toMatchObject([{ path: '/payload/mode', code: 'unknown_mode' }]);
    const strict = parseProcessRequest({ ...ids, payload: '{"mode":"mode"}' }, { strict: true });
    expect(strict).toMatchObject({ success: false, issues: [{ code: 'unknown_mode' }] });
  });

  it('keeps chunkUUID, which the newer toolkit sends, as a typed field', () => {
    const result = parseProcessRequest({ ...ids, chunkUUID: 'c0ffee00-0000-4000-8000-000000000000' });
    expect(result.success && result.data.chunkUUID).toBe('c0ffee00-0000-4000-8000-000000000000');
    expect(result.success && result.data.extra).toEqual({});
  });

  it('applies the same duplicate-field rule to [name, value] pairs as to FormData', () => {
    const result = parseProcessRequest([
      ['internalJobId', 'a'],
      ['taskTmpDir', '/tmp/a'],
      ['taskTmpDir', '/tmp/b'],
    ]);
    expect(!result.success && result.issues).toMatchObject([
      { path: '/taskTmpDir', code: 'duplicate_field' },
    ]);
    const pairs = parseProcessRequest([
      ['internalJobId', 'a'],
      ['internalTaskId', 't'],
    ]);
    expect(pairs).toMatchObject({ success: true, data: { internalJobId: 'a', internalTaskId: 't' } });
  });

  it('reads FormData text fields and ignores the chunk file part', async () => {
    const form = buildProcessForm(
      { ...ids, chunkMimeType: 'image/png' },
      { data: new Uint8Array([1, 2, 3]) },
    );
    const result = parseProcessRequest(form);
    expect(result.success && result.data.chunk).toBeUndefined();
    expect(result.success && result.data.chunkMimeType).toBe('image/png');
    const file = form.get('chunk') as File;
    expect(file.name).toBe('chunk.data');
    expect(file.type).toBe('image/png');
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([1, 2, 3]);
  });

  it('reports a text field sent twice in FormData', () => {
    const form = new FormData();
    form.append('internalJobId', 'a');
    form.append('internalJobId', 'b');
    form.append('internalTaskId', 't');
    const result = parseProcessRequest(form);
    expect(!result.success && result.issues[0]).toMatchObject({
      path: '/internalJobId',
      code: 'duplicate_field',
    });
  });

  it.each([null, 42, 'text', [['a', 1]], [['a']], { internalJobId: 1 }])(
    'returns issues for %j instead of throwing',
    (value) => {
      const result = parseProcessRequest(value as unknown as Record<string, string>);
      expect(result.success).toBe(false);
    },
  );
});

describe('buildProcessForm / processRequestToFields', () => {
  const request: ProcessRequest = {
    ...ids,
    chunk: '/tmp/chunk.data',
    startOffsetMS: 0,
    endOffsetMS: 500,
    payload: { mode: 'library-train', libraryId: 'l', libraryEngineModelId: 'm' },
    chunkMetadata: { 'x-aiware-chunk-timestamp': '17' },
    extra: { later: 'field' },
  };

  it('writes every field as text, the payload as JSON and metadata with its prefix', () => {
    expect(processRequestToFields(request)).toEqual({
      internalJobId: 'ij-1',
      internalTaskId: 'it-1',
      chunk: '/tmp/chunk.data',
      startOffsetMS: '0',
      endOffsetMS: '500',
      payload: '{"mode":"library-train","libraryId":"l","libraryEngineModelId":"m"}',
      'chunk-metadata-x-aiware-chunk-timestamp': '17',
      later: 'field',
    });
  });

  it('is the inverse of parseProcessRequest', () => {
    expect(parseProcessRequest(buildProcessForm(request))).toEqual({
      success: true,
      data: request,
      warnings: [],
    });
  });

  it('builds a request without internal ids, as the Go toolkit sends it', () => {
    const fields = processRequestToFields({ chunkMimeType: 'image/png', chunkIndex: 0 });
    expect(fields).toEqual({ chunkMimeType: 'image/png', chunkIndex: '0', payload: '{}' });
  });

  it('refuses an extra field that would shadow a documented one', () => {
    expect(() => processRequestToFields({ ...request, extra: { maxTTL: '5' } })).toThrow(ContractError);
    expect(() => processRequestToFields({ ...request, extra: { 'chunk-metadata-a': 'x' } })).toThrow(
      /documented field/,
    );
  });

  it('refuses a negative offset with a ContractError naming the field', () => {
    try {
      processRequestToFields({ ...request, startOffsetMS: -1 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ContractError);
      expect((error as ContractError).issues[0]?.path).toBe('/startOffsetMS');
    }
  });
});
