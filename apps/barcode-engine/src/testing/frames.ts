import QRCode from 'qrcode';
import { encodeJpeg, encodePng, type ImageFormat, type RgbaImage } from '@engine-kit-apps/sample-support';
import type { PixelPoint } from '../qr-scan.ts';
import { createRng, type Rng } from '@engine-kit-apps/sample-support/testing';

/** Ground truth for one rendered symbol: text and corners TL, TR, BR, BL in pixels. */
export interface QrTruth {
  text: string;
  corners: [PixelPoint, PixelPoint, PixelPoint, PixelPoint];
}

export interface QrFrame {
  format: ImageFormat;
  mime: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  bytes: Uint8Array;
  truth: QrTruth[];
}

export interface QrFrameOptions {
  seed: number;
  /** How many symbols to place (default 1..3, picked by the seed). */
  codes?: number;
  format?: ImageFormat;
  width?: number;
  height?: number;
  /** Largest rotation in degrees, either direction (default 15). */
  maxRotationDeg?: number;
  /** Standard deviation of the added pixel noise on the 0..255 scale (default 6). */
  noise?: number;
}

interface Placement {
  text: string;
  modules: QRCode.BitMatrix;
  size: number;
  moduleSize: number;
  angle: number;
  cos: number;
  sin: number;
  cx: number;
  cy: number;
  radius: number;
}

const QUIET_ZONE = 4;
const SUPERSAMPLE = [0.25, 0.75];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

function randomText(rng: Rng, index: number): string {
  const word = WORDS[rng.int(0, WORDS.length - 1)]!;
  return `https://example.test/${word}/${index}-${rng.int(1000, 999_999)}`;
}

function place(
  rng: Rng,
  text: string,
  frame: { width: number; height: number; codes: number },
  maxAngle: number,
  others: Placement[],
) {
  const { width, height } = frame;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const fullModules = size + 2 * QUIET_ZONE;
  const shortSide = Math.min(width, height);
  // Several symbols must fit side by side, so each gets a smaller share of the short side.
  const share = frame.codes <= 1 ? 0.6 : 0.9 / frame.codes;
  for (let attempt = 0; attempt < 200; attempt++) {
    const maxModule = Math.max(3, (shortSide * share) / fullModules);
    const moduleSize = rng.range(3, maxModule);
    const angle = (rng.range(-maxAngle, maxAngle) * Math.PI) / 180;
    const radius = (fullModules * moduleSize * Math.SQRT2) / 2;
    if (radius * 2 > shortSide) continue;
    const cx = rng.range(radius, width - radius);
    const cy = rng.range(radius, height - radius);
    const overlaps = others.some((o) => Math.hypot(o.cx - cx, o.cy - cy) < o.radius + radius);
    if (!overlaps) {
      return {
        text,
        modules: qr.modules,
        size,
        moduleSize,
        angle,
        cos: Math.cos(angle),
        sin: Math.sin(angle),
        cx,
        cy,
        radius,
      };
    }
  }
  return undefined;
}

/** Maps symbol coordinates (in modules, origin at the symbol's top-left) to frame pixels. */
function toPixel(p: Placement, u: number, v: number): PixelPoint {
  const half = p.size / 2;
  const dx = (u - half) * p.moduleSize;
  const dy = (v - half) * p.moduleSize;
  return { x: p.cx + dx * p.cos - dy * p.sin, y: p.cy + dx * p.sin + dy * p.cos };
}

/** Intensity 0 (dark) .. 1 (light) of a placement at a pixel sample, or undefined outside it. */
function sample(p: Placement, x: number, y: number): number | undefined {
  const dx = x - p.cx;
  const dy = y - p.cy;
  if (dx * dx + dy * dy > p.radius * p.radius) return undefined;
  const u = (dx * p.cos + dy * p.sin) / p.moduleSize + p.size / 2;
  const v = (-dx * p.sin + dy * p.cos) / p.moduleSize + p.size / 2;
  if (u < -QUIET_ZONE || v < -QUIET_ZONE || u >= p.size + QUIET_ZONE || v >= p.size + QUIET_ZONE)
    return undefined;
  if (u < 0 || v < 0 || u >= p.size || v >= p.size) return 1;
  return p.modules.get(Math.floor(v), Math.floor(u)) ? 0 : 1;
}

const NOISE_TABLE_SIZE = 4096;

/** Gaussian draws are the slowest part of rendering; a per-frame table of them keeps noise cheap and seeded. */
function gaussianTable(rng: Rng, sigma: number): Float32Array {
  return Float32Array.from({ length: NOISE_TABLE_SIZE }, () => rng.gaussian() * sigma);
}

function render(placements: Placement[], width: number, height: number, rng: Rng, noise: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  const grain = gaussianTable(rng, noise);
  const background = rng.range(150, 215);
  const tint = [rng.range(-20, 20), rng.range(-20, 20), rng.range(-20, 20)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let light = 0;
      let covered = 0;
      for (const sy of SUPERSAMPLE) {
        for (const sx of SUPERSAMPLE) {
          for (const p of placements) {
            const value = sample(p, x + sx, y + sy);
            if (value !== undefined) {
              light += value;
              covered++;
              break;
            }
          }
        }
      }
      const samples = SUPERSAMPLE.length ** 2;
      const symbolLevel = covered > 0 ? 20 + 220 * (light / covered) : 0;
      const base = (symbolLevel * covered + background * (samples - covered)) / samples;
      const offset = (y * width + x) * 4;
      for (let channel = 0; channel < 3; channel++) {
        const channelTint = covered === samples ? 0 : tint[channel]! * (1 - covered / samples);
        data[offset + channel] = base + channelTint + grain[(rng.next() * NOISE_TABLE_SIZE) | 0]!;
      }
      data[offset + 3] = 255;
    }
  }
  return { width, height, data };
}

/**
 * Renders a frame with QR symbols at random size, position and rotation, light noise, as PNG or
 * JPEG, and returns the true corner positions of every symbol.
 */
export function generateQrFrame(options: QrFrameOptions): QrFrame {
  const rng = createRng(options.seed);
  const width = options.width ?? rng.int(320, 480);
  const height = options.height ?? rng.int(240, 360);
  const wanted = options.codes ?? rng.int(1, 3);
  const format = options.format ?? (rng.next() < 0.5 ? 'png' : 'jpeg');
  const placements: Placement[] = [];
  for (let index = 0; index < wanted; index++) {
    const placement = place(
      rng,
      randomText(rng, index),
      { width, height, codes: wanted },
      options.maxRotationDeg ?? 15,
      placements,
    );
    if (placement) placements.push(placement);
  }
  const image = render(placements, width, height, rng, options.noise ?? 6);
  const bytes = format === 'png' ? encodePng(image) : encodeJpeg(image, rng.int(70, 92));
  const truth = placements.map((p) => ({
    text: p.text,
    corners: [
      toPixel(p, 0, 0),
      toPixel(p, p.size, 0),
      toPixel(p, p.size, p.size),
      toPixel(p, 0, p.size),
    ] as QrTruth['corners'],
  }));
  return { format, mime: format === 'png' ? 'image/png' : 'image/jpeg', width, height, bytes, truth };
}

/** A reproducible set of frames: frame `i` uses seed `seed + i`. */
export function generateQrFrames(
  count: number,
  seed: number,
  options: Omit<QrFrameOptions, 'seed'> = {},
): QrFrame[] {
  return Array.from({ length: count }, (_, index) => generateQrFrame({ ...options, seed: seed + index }));
}
