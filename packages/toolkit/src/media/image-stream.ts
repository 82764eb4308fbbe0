/**
 * Splits a byte stream of concatenated PNG or JPEG images (ffmpeg's `image2pipe` output) into
 * whole images. It walks the container structure (PNG chunks up to `IEND`, JPEG segments up to
 * the entropy-coded scan and its `EOI`), so image bytes that happen to look like a marker never
 * cut an image in two. Memory is bounded by the largest single image (`maxImageBytes`).
 */
export type ImageStreamFormat = 'png' | 'jpeg';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** 64 MiB: far above a 4K RGBA PNG, low enough that a runaway stream fails instead of eating memory. */
export const DEFAULT_MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export class ImageStreamError extends Error {
  readonly code = 'invalid_image_stream';
}

export class ImageStreamSplitter {
  readonly #format: ImageStreamFormat;
  readonly #maxImageBytes: number;
  /** Growable buffer holding the current (incomplete) image: each byte is copied in once. */
  #buffer = Buffer.alloc(256 * 1024);
  #buffered = 0;
  /** Parse position inside the current (buffered) image. */
  #cursor = 0;
  /** JPEG: true once the start-of-scan segment was passed (then only markers end the scan). */
  #inScan = false;

  constructor(format: ImageStreamFormat, maxImageBytes = DEFAULT_MAX_IMAGE_BYTES) {
    this.#format = format;
    this.#maxImageBytes = maxImageBytes;
  }

  /** Adds bytes; returns every image completed by them, in order. */
  push(data: Buffer): Buffer[] {
    this.#append(data);
    const images: Buffer[] = [];
    for (;;) {
      const buffer = this.#buffer.subarray(0, this.#buffered);
      const end = this.#format === 'png' ? this.#pngEnd(buffer) : this.#jpegEnd(buffer);
      if (end === undefined) {
        if (this.#buffered > this.#maxImageBytes)
          throw new ImageStreamError(`an image in the stream exceeds ${this.#maxImageBytes} bytes`);
        return images;
      }
      images.push(Buffer.from(buffer.subarray(0, end)));
      this.#buffer.copy(this.#buffer, 0, end, this.#buffered);
      this.#buffered -= end;
      this.#cursor = 0;
      this.#inScan = false;
    }
  }

  /** Call at the end of the stream: leftover bytes mean a truncated image. */
  end(): void {
    if (this.#buffered > 0)
      throw new ImageStreamError(`the stream ended inside an image (${this.#buffered} bytes left)`);
  }

  #append(data: Buffer) {
    const needed = this.#buffered + data.length;
    if (needed > this.#buffer.length) {
      const grown = Buffer.alloc(Math.max(needed, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, this.#buffered);
      this.#buffer = grown;
    }
    data.copy(this.#buffer, this.#buffered);
    this.#buffered = needed;
  }

  /** Offset just after `IEND`'s CRC, or undefined while incomplete. */
  #pngEnd(buffer: Buffer): number | undefined {
    if (this.#cursor === 0) {
      if (buffer.length < PNG_SIGNATURE.length) return undefined;
      if (!buffer.subarray(0, 8).equals(PNG_SIGNATURE))
        throw new ImageStreamError('the stream does not hold PNG images (bad signature)');
      this.#cursor = 8;
    }
    while (this.#cursor + 8 <= buffer.length) {
      const length = buffer.readUInt32BE(this.#cursor);
      const type = buffer.toString('latin1', this.#cursor + 4, this.#cursor + 8);
      const next = this.#cursor + 12 + length;
      if (next > buffer.length) return undefined;
      this.#cursor = next;
      if (type === 'IEND') return next;
    }
    return undefined;
  }

  /** Offset just after `EOI` (FF D9), or undefined while incomplete. */
  #jpegEnd(buffer: Buffer): number | undefined {
    if (this.#cursor === 0) {
      if (buffer.length < 2) return undefined;
      if (buffer[0] !== 0xff || buffer[1] !== 0xd8)
        throw new ImageStreamError('the stream does not hold JPEG images (no SOI marker)');
      this.#cursor = 2;
    }
    while (this.#cursor + 1 < buffer.length) {
      if (this.#inScan) {
        // Entropy-coded data: FF is followed by 00 (stuffing) or RST0-7; anything else is a marker.
        const at = buffer.indexOf(0xff, this.#cursor);
        if (at === -1 || at + 1 >= buffer.length) {
          this.#cursor = at === -1 ? buffer.length : at;
          return undefined;
        }
        const code = buffer[at + 1]!;
        if (code === 0x00 || (code >= 0xd0 && code <= 0xd7) || code === 0xff) {
          this.#cursor = at + (code === 0xff ? 1 : 2);
          continue;
        }
        this.#cursor = at;
        this.#inScan = false;
        continue;
      }
      if (buffer[this.#cursor] !== 0xff)
        throw new ImageStreamError(`bad JPEG marker at byte ${this.#cursor} of an image`);
      const code = buffer[this.#cursor + 1]!;
      if (code === 0xff) {
        this.#cursor += 1; // fill byte
        continue;
      }
      if (code === 0xd9) return this.#cursor + 2;
      if (code === 0x01 || (code >= 0xd0 && code <= 0xd7)) {
        this.#cursor += 2;
        continue;
      }
      if (this.#cursor + 4 > buffer.length) return undefined;
      const length = buffer.readUInt16BE(this.#cursor + 2);
      const next = this.#cursor + 2 + length;
      if (next > buffer.length) return undefined;
      this.#cursor = next;
      if (code === 0xda) this.#inScan = true;
    }
    return undefined;
  }
}
