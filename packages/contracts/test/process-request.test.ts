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

  it('requires both internal ids', () => {
    const result = parseProcessRequest({ internalJobId: 'ij' });
    expect(!result.success && result.issues.map((found) => found.path)).toEqual(['/internalTaskId']);
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

  it.each([null, 42, 'text', [], { internalJobId: 1 }])(
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
    expect(parseProcessRequest(buildProcessForm(request))).toEqual({ success: true, data: request });
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
