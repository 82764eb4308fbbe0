import jsQR from 'jsqr';
import type { RgbaImage } from '@engine-kit-apps/sample-support';

export interface PixelPoint {
  x: number;
  y: number;
}

/** One decoded QR code: text and the symbol's corners in pixels, in reading order TL, TR, BR, BL. */
export interface QrDetection {
  text: string;
  corners: [PixelPoint, PixelPoint, PixelPoint, PixelPoint];
}

export interface ScanOptions {
  /** Stop after this many codes; bounds the work on adversarial frames. */
  maxCodes?: number;
}

interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

const DEFAULT_MAX_CODES = 12;
// A symbol needs dark modules: at least one 7x7 finder pattern's worth of dark pixels.
const DARK_LUMA = 100;
const MIN_DARK_PIXELS = 49;
// The quiet zone is 4 modules wide around a 21+ module symbol, so ~40% margin covers it and the finder patterns.
const BLANK_GROWTH = 0.4;
const BLANK_PADDING_PX = 3;

function crop(image: RgbaImage, window: Window): RgbaImage {
  const data = new Uint8ClampedArray(window.width * window.height * 4);
  for (let row = 0; row < window.height; row++) {
    const from = ((window.y + row) * image.width + window.x) * 4;
    data.set(image.data.subarray(from, from + window.width * 4), row * window.width * 4);
  }
  return { width: window.width, height: window.height, data };
}

function decodeOne(image: RgbaImage, offset: PixelPoint): QrDetection | undefined {
  const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
  if (!found || found.data.length === 0) return undefined;
  const { topLeftCorner, topRightCorner, bottomRightCorner, bottomLeftCorner } = found.location;
  const shift = (point: PixelPoint): PixelPoint => ({ x: point.x + offset.x, y: point.y + offset.y });
  return {
    text: found.data,
    corners: [shift(topLeftCorner), shift(topRightCorner), shift(bottomRightCorner), shift(bottomLeftCorner)],
  };
}

/**
 * Overlapping half-size windows: jsQR picks one finder-pattern triple per call and can fail
 * when several symbols share the frame, but a window usually holds a single symbol.
 */
function tileWindows(width: number, height: number): Window[] {
  const windows: Window[] = [];
  const tileWidth = Math.ceil(width / 2);
  const tileHeight = Math.ceil(height / 2);
  for (const fy of [0, 0.25, 0.5]) {
    for (const fx of [0, 0.25, 0.5]) {
      const x = Math.min(Math.round(width * fx), width - tileWidth);
      const y = Math.min(Math.round(height * fy), height - tileHeight);
      windows.push({ x, y, width: tileWidth, height: tileHeight });
    }
  }
  return windows;
}

function decodeInTiles(image: RgbaImage): QrDetection | undefined {
  for (const window of tileWindows(image.width, image.height)) {
    const found = decodeOne(crop(image, window), { x: window.x, y: window.y });
    if (found) return found;
  }
  return undefined;
}

function grow(corners: readonly PixelPoint[]): PixelPoint[] {
  const cx = corners.reduce((sum, p) => sum + p.x, 0) / corners.length;
  const cy = corners.reduce((sum, p) => sum + p.y, 0) / corners.length;
  return corners.map((p) => {
    const dx = p.x - cx;
    const dy = p.y - cy;
    const length = Math.hypot(dx, dy) || 1;
    const scale = 1 + BLANK_GROWTH + BLANK_PADDING_PX / length;
    return { x: cx + dx * scale, y: cy + dy * scale };
  });
}

function insideConvex(polygon: readonly PixelPoint[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % polygon.length]!;
    const cross = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    if (cross !== 0) {
      if (sign === 0) sign = Math.sign(cross);
      else if (Math.sign(cross) !== sign) return false;
    }
  }
  return true;
}

/** Paints the found symbol (with its quiet zone) white so the next pass cannot find it again. */
function blankOut(image: RgbaImage, corners: readonly PixelPoint[]): void {
  const polygon = grow(corners);
  const minX = Math.max(0, Math.floor(Math.min(...polygon.map((p) => p.x))));
  const maxX = Math.min(image.width - 1, Math.ceil(Math.max(...polygon.map((p) => p.x))));
  const minY = Math.max(0, Math.floor(Math.min(...polygon.map((p) => p.y))));
  const maxY = Math.min(image.height - 1, Math.ceil(Math.max(...polygon.map((p) => p.y))));
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      if (!insideConvex(polygon, x + 0.5, y + 0.5)) continue;
      image.data.fill(255, (y * image.width + x) * 4, (y * image.width + x) * 4 + 3);
    }
  }
}

/** Cheap pre-check before the expensive tile pass: a frame with (almost) no dark pixels holds no symbol. */
function hasDarkArea(image: RgbaImage): boolean {
  let dark = 0;
  for (let offset = 0; offset < image.data.length; offset += 4) {
    const luma =
      0.299 * image.data[offset]! + 0.587 * image.data[offset + 1]! + 0.114 * image.data[offset + 2]!;
    if (luma < DARK_LUMA && ++dark >= MIN_DARK_PIXELS) return true;
  }
  return false;
}

/**
 * Finds every QR code in a frame. jsQR returns one code per call, so each found symbol is
 * blanked out and the frame scanned again; when a full-frame pass finds nothing, overlapping
 * tiles are tried before giving up.
 */
export function scanQrCodes(image: RgbaImage, options: ScanOptions = {}): QrDetection[] {
  const maxCodes = options.maxCodes ?? DEFAULT_MAX_CODES;
  const working: RgbaImage = {
    width: image.width,
    height: image.height,
    data: new Uint8ClampedArray(image.data),
  };
  const found: QrDetection[] = [];
  while (found.length < maxCodes) {
    const next =
      decodeOne(working, { x: 0, y: 0 }) ?? (hasDarkArea(working) ? decodeInTiles(working) : undefined);
    if (!next) break;
    found.push(next);
    blankOut(working, next.corners);
  }
  return found;
}
