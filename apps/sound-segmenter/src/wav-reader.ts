export type WavErrorCode = 'not_wav' | 'unsupported_format' | 'malformed' | 'truncated';

/** Raised for input that is not a readable 16-bit PCM WAV; always maps to failureReason `invalid_data`. */
export class WavFormatError extends Error {
  readonly code: WavErrorCode;
  readonly failureReason = 'invalid_data' as const;

  constructor(code: WavErrorCode, message: string) {
    super(message);
    this.name = 'WavFormatError';
    this.code = code;
  }
}

export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: 16;
  blockAlign: number;
  /** Declared size of the data chunk, or undefined when the writer streamed it (size 0 or 0xFFFFFFFF). */
  dataBytes: number | undefined;
}

type Phase =
  | { kind: 'riff' }
  | { kind: 'chunk-header' }
  | { kind: 'fmt'; size: number }
  | { kind: 'skip'; remaining: number }
  | { kind: 'data'; remaining: number }
  | { kind: 'done' };

const PCM = 1;
const EXTENSIBLE = 0xfffe;
const MAX_CHANNELS = 8;
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

function fourCc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function parseFmt(body: Uint8Array): Omit<WavFormat, 'dataBytes'> {
  if (body.byteLength < 16)
    throw new WavFormatError(
      'malformed',
      `The fmt chunk is ${body.byteLength} bytes; at least 16 are required.`,
    );
  const fields = view(body);
  let audioFormat = fields.getUint16(0, true);
  const channels = fields.getUint16(2, true);
  const sampleRate = fields.getUint32(4, true);
  const blockAlign = fields.getUint16(12, true);
  const bitsPerSample = fields.getUint16(14, true);
  if (audioFormat === EXTENSIBLE && body.byteLength >= 26) audioFormat = fields.getUint16(24, true);
  if (audioFormat !== PCM) {
    throw new WavFormatError(
      'unsupported_format',
      `WAV audio format ${audioFormat} is not PCM; encode as 16-bit PCM.`,
    );
  }
  if (bitsPerSample !== 16) {
    throw new WavFormatError(
      'unsupported_format',
      `WAV has ${bitsPerSample}-bit samples; only 16-bit PCM is supported.`,
    );
  }
  if (channels < 1 || channels > MAX_CHANNELS) {
    throw new WavFormatError(
      'unsupported_format',
      `WAV declares ${channels} channels; 1..${MAX_CHANNELS} are supported.`,
    );
  }
  if (sampleRate < 1 || blockAlign !== channels * 2) {
    throw new WavFormatError(
      'malformed',
      `WAV fmt chunk is inconsistent (rate ${sampleRate}, blockAlign ${blockAlign}).`,
    );
  }
  return { sampleRate, channels, bitsPerSample: 16, blockAlign };
}

/**
 * Incremental RIFF/WAVE reader: feed bytes as they arrive, get mono samples (-1..1, channels
 * averaged) back as soon as whole sample frames are available. Chunks other than `fmt ` and
 * `data` are skipped; call {@link end} when the input is finished to detect truncation.
 */
export class WavStreamReader {
  #pending: Uint8Array = new Uint8Array(0);
  #phase: Phase = { kind: 'riff' };
  #format: Omit<WavFormat, 'dataBytes'> | undefined;
  #dataBytes: number | undefined;
  #bytesRead = 0;
  #samplesRead = 0;
  #sawData = false;

  get format(): WavFormat | undefined {
    return this.#format && this.#phase.kind !== 'riff'
      ? { ...this.#format, dataBytes: this.#dataBytes }
      : undefined;
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  get samplesRead(): number {
    return this.#samplesRead;
  }

  /** Consumes the next bytes of the file and returns the mono samples they completed. */
  push(chunk: Uint8Array): Float32Array {
    this.#bytesRead += chunk.byteLength;
    this.#pending = this.#pending.byteLength === 0 ? chunk : concat(this.#pending, chunk);
    const out: Float32Array[] = [];
    let progressed = true;
    while (progressed) progressed = this.#step(out);
    return out.length === 1 ? out[0]! : concatSamples(out);
  }

  /** Declares the input complete; throws `truncated` if the header or declared data is incomplete. */
  end(): void {
    const phase = this.#phase;
    if (phase.kind === 'riff') {
      throw new WavFormatError(
        'truncated',
        `Input ended after ${this.#bytesRead} bytes, inside the RIFF header.`,
      );
    }
    if (!this.#sawData) {
      throw new WavFormatError(
        'truncated',
        `Input ended after ${this.#bytesRead} bytes, before the WAV data chunk.`,
      );
    }
    if (phase.kind === 'data' && Number.isFinite(phase.remaining) && phase.remaining > 0) {
      throw new WavFormatError(
        'truncated',
        `WAV data chunk declares ${this.#dataBytes} bytes but the input ended ${phase.remaining} bytes short.`,
      );
    }
    if (phase.kind === 'data' && this.#pending.byteLength > 0) {
      throw new WavFormatError('truncated', 'Input ended in the middle of a sample frame.');
    }
  }

  #take(count: number): Uint8Array | undefined {
    if (this.#pending.byteLength < count) return undefined;
    const taken = this.#pending.subarray(0, count);
    this.#pending = this.#pending.subarray(count);
    return taken;
  }

  #step(out: Float32Array[]): boolean {
    const phase = this.#phase;
    switch (phase.kind) {
      case 'riff': {
        if (this.#pending.byteLength >= 4 && fourCc(this.#pending, 0) !== 'RIFF') {
          throw new WavFormatError(
            'not_wav',
            'Input does not start with a RIFF header; expected a WAV file.',
          );
        }
        const header = this.#take(12);
        if (!header) return false;
        if (fourCc(header, 8) !== 'WAVE')
          throw new WavFormatError('not_wav', 'RIFF file is not of form WAVE.');
        this.#phase = { kind: 'chunk-header' };
        return true;
      }
      case 'chunk-header': {
        const header = this.#take(8);
        if (!header) return false;
        const id = fourCc(header, 0);
        const size = view(header).getUint32(4, true);
        this.#phase = this.#phaseForChunk(id, size);
        return true;
      }
      case 'fmt': {
        const body = this.#take(phase.size + (phase.size % 2));
        if (!body) return false;
        this.#format = parseFmt(body.subarray(0, phase.size));
        this.#phase = { kind: 'chunk-header' };
        return true;
      }
      case 'skip': {
        const skipped = Math.min(phase.remaining, this.#pending.byteLength);
        this.#pending = this.#pending.subarray(skipped);
        const remaining = phase.remaining - skipped;
        this.#phase = remaining === 0 ? { kind: 'chunk-header' } : { kind: 'skip', remaining };
        return remaining === 0;
      }
      case 'data':
        return this.#readSamples(phase, out);
      case 'done':
        this.#pending = new Uint8Array(0);
        return false;
    }
  }

  #phaseForChunk(id: string, size: number): Phase {
    if (id === 'fmt ') return { kind: 'fmt', size };
    if (id === 'data') {
      if (!this.#format) throw new WavFormatError('malformed', 'WAV data chunk comes before the fmt chunk.');
      this.#sawData = true;
      this.#dataBytes = UNKNOWN_SIZES.has(size) ? undefined : size;
      return { kind: 'data', remaining: this.#dataBytes ?? Number.POSITIVE_INFINITY };
    }
    return { kind: 'skip', remaining: size + (size % 2) };
  }

  #readSamples(phase: { kind: 'data'; remaining: number }, out: Float32Array[]): boolean {
    const format = this.#format!;
    const available = Math.min(this.#pending.byteLength, phase.remaining);
    const frames = Math.floor(available / format.blockAlign);
    if (frames === 0) {
      if (phase.remaining === 0) this.#phase = { kind: 'done' };
      return phase.remaining === 0;
    }
    const bytes = this.#take(frames * format.blockAlign)!;
    out.push(toMono(bytes, format.channels, frames));
    this.#samplesRead += frames;
    const remaining = phase.remaining - bytes.byteLength;
    this.#phase = remaining === 0 ? { kind: 'done' } : { kind: 'data', remaining };
    return true;
  }
}

function toMono(bytes: Uint8Array, channels: number, frames: number): Float32Array {
  const samples = view(bytes);
  const mono = new Float32Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++)
      sum += samples.getInt16((frame * channels + channel) * 2, true);
    mono[frame] = sum / channels / 32768;
  }
  return mono;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.byteLength + b.byteLength);
  joined.set(a, 0);
  joined.set(b, a.byteLength);
  return joined;
}

function concatSamples(parts: Float32Array[]): Float32Array {
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
