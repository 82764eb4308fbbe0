import type { RgbaImage } from '@engine-kit-apps/sample-support';

/** A perceptual fingerprint: 64-bit DCT hash of luminance plus a coarse colour layout. */
export interface Fingerprint {
  /** 16 hex digits, most significant bit = lowest-frequency DCT coefficient after DC. */
  hash: string;
  /** Mean R, G, B of each cell of a 4x4 grid, row-major, 0..255 rounded. */
  colour: number[];
}

const DCT_SIZE = 32;
const HASH_SIDE = 8;
const GRID = 4;

function dctTable(n: number): Float64Array {
  const table = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) table[k * n + i] = Math.cos(((2 * i + 1) * k * Math.PI) / (2 * n));
  }
  return table;
}

const COSINES = dctTable(DCT_SIZE);

/** Box-averages the image down to `side` x `side` cells per channel (luma and RGB); robust to resizing. */
function downsample(image: RgbaImage, side: number): { luma: Float64Array; rgb: Float64Array } {
  const luma = new Float64Array(side * side);
  const rgb = new Float64Array(side * side * 3);
  const counts = new Float64Array(side * side);
  for (let y = 0; y < image.height; y++) {
    const cy = Math.min(side - 1, Math.floor((y * side) / image.height));
    for (let x = 0; x < image.width; x++) {
      const cell = cy * side + Math.min(side - 1, Math.floor((x * side) / image.width));
      const offset = (y * image.width + x) * 4;
      const r = image.data[offset]!;
      const g = image.data[offset + 1]!;
      const b = image.data[offset + 2]!;
      luma[cell]! += 0.299 * r + 0.587 * g + 0.114 * b;
      rgb[cell * 3]! += r;
      rgb[cell * 3 + 1]! += g;
      rgb[cell * 3 + 2]! += b;
      counts[cell]! += 1;
    }
  }
  for (let cell = 0; cell < side * side; cell++) {
    const count = counts[cell]! || 1;
    luma[cell]! /= count;
    for (let channel = 0; channel < 3; channel++) rgb[cell * 3 + channel]! /= count;
  }
  return { luma, rgb };
}

/** The low-frequency 8x8 corner of the 2-D DCT-II of a 32x32 block. */
function lowFrequencies(block: Float64Array): Float64Array {
  const rows = new Float64Array(HASH_SIDE * DCT_SIZE);
  for (let k = 0; k < HASH_SIDE; k++) {
    for (let y = 0; y < DCT_SIZE; y++) {
      let sum = 0;
      for (let x = 0; x < DCT_SIZE; x++) sum += block[y * DCT_SIZE + x]! * COSINES[k * DCT_SIZE + x]!;
      rows[k * DCT_SIZE + y] = sum;
    }
  }
  const out = new Float64Array(HASH_SIDE * HASH_SIDE);
  for (let u = 0; u < HASH_SIDE; u++) {
    for (let v = 0; v < HASH_SIDE; v++) {
      let sum = 0;
      for (let y = 0; y < DCT_SIZE; y++) sum += rows[u * DCT_SIZE + y]! * COSINES[v * DCT_SIZE + y]!;
      out[v * HASH_SIDE + u] = sum;
    }
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function hashBits(coefficients: Float64Array): string {
  // DC only carries overall brightness, which re-encoding and noise shift; leave it out of the threshold.
  const ac = Array.from(coefficients).slice(1);
  const threshold = median(ac);
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) {
      const index = nibble * 4 + bit;
      value = (value << 1) | (index > 0 && coefficients[index]! > threshold ? 1 : 0);
    }
    hex += value.toString(16);
  }
  return hex;
}

export function fingerprintImage(image: RgbaImage): Fingerprint {
  const { luma } = downsample(image, DCT_SIZE);
  const { rgb } = downsample(image, GRID);
  return { hash: hashBits(lowFrequencies(luma)), colour: Array.from(rgb, (value) => Math.round(value)) };
}

const POPCOUNT = Array.from(
  { length: 16 },
  (_, n) => (n & 1) + ((n >> 1) & 1) + ((n >> 2) & 1) + ((n >> 3) & 1),
);

/** Number of differing bits between two 16-hex-digit hashes. */
export function hammingDistance(a: string, b: string): number {
  let distance = 0;
  for (let i = 0; i < 16; i++) distance += POPCOUNT[Number.parseInt(a[i]!, 16) ^ Number.parseInt(b[i]!, 16)]!;
  return distance;
}

/** Root-mean-square difference of two colour layouts, 0 (same) .. 1 (black vs white everywhere). */
export function colourDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum / Math.max(1, a.length)) / 255;
}

/**
 * One number for "how different": half shape (hash bits), half colour, so two logos with the
 * same silhouette in different colours, or the same colours in different shapes, stay apart.
 */
export function fingerprintDistance(a: Fingerprint, b: Fingerprint): number {
  return 0.5 * (hammingDistance(a.hash, b.hash) / 32) + 0.5 * (colourDistance(a.colour, b.colour) / 0.25);
}
