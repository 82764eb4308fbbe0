import { encodeJpeg, encodePng, type RgbaImage } from '@engine-kit-apps/sample-support';
import { createRng, type Rng } from '@engine-kit-apps/sample-support/testing';

type Colour = [number, number, number];

type Shape =
  | { kind: 'circle'; cx: number; cy: number; r: number }
  | { kind: 'ring'; cx: number; cy: number; r: number; width: number }
  | { kind: 'box'; cx: number; cy: number; w: number; h: number; angle: number }
  | { kind: 'triangle'; points: [number, number][] }
  | { kind: 'stripes'; angle: number; period: number; duty: number; cx: number; cy: number; r: number }
  | { kind: 'star'; cx: number; cy: number; outer: number; inner: number; spikes: number; angle: number };

/** A procedurally generated, text-free logo: a background and 2..4 coloured shapes in unit coordinates. */
export interface LogoDesign {
  background: Colour;
  layers: { shape: Shape; colour: Colour }[];
}

export interface LibraryImage {
  entityIdentifierId: string;
  mime: 'image/png';
  bytes: Uint8Array;
}

export interface LibraryEntity {
  entityId: string;
  name: string;
  design: LogoDesign;
  images: LibraryImage[];
}

export interface LogoLibraryOptions {
  seed: number;
  /** Default 6. */
  entities?: number;
  /** Default 3. */
  imagesPerEntity?: number;
}

function uuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** Saturated colours spread over the hue circle so different logos differ in colour, too. */
function colour(rng: Rng, hue = rng.range(0, 360)): Colour {
  const s = rng.range(0.55, 1);
  const l = rng.range(0.3, 0.65);
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const h = (hue % 360) / 60;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] =
    h < 1
      ? [c, x, 0]
      : h < 2
        ? [x, c, 0]
        : h < 3
          ? [0, c, x]
          : h < 4
            ? [0, x, c]
            : h < 5
              ? [x, 0, c]
              : [c, 0, x];
  const m = l - c / 2;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

function randomShape(rng: Rng): Shape {
  const cx = rng.range(0.25, 0.75);
  const cy = rng.range(0.25, 0.75);
  switch (rng.int(0, 5)) {
    case 0:
      return { kind: 'circle', cx, cy, r: rng.range(0.12, 0.35) };
    case 1:
      return { kind: 'ring', cx, cy, r: rng.range(0.18, 0.4), width: rng.range(0.05, 0.12) };
    case 2:
      return {
        kind: 'box',
        cx,
        cy,
        w: rng.range(0.2, 0.6),
        h: rng.range(0.15, 0.5),
        angle: rng.range(0, Math.PI),
      };
    case 3:
      return {
        kind: 'triangle',
        points: [0, 1, 2].map((i) => {
          const a = rng.range(0, 0.5) + (i * 2 * Math.PI) / 3;
          const r = rng.range(0.2, 0.4);
          return [cx + r * Math.cos(a), cy + r * Math.sin(a)] as [number, number];
        }),
      };
    case 4:
      return {
        kind: 'stripes',
        angle: rng.range(0, Math.PI),
        period: rng.range(0.08, 0.18),
        duty: 0.5,
        cx,
        cy,
        r: rng.range(0.2, 0.4),
      };
    default:
      return {
        kind: 'star',
        cx,
        cy,
        outer: rng.range(0.2, 0.4),
        inner: rng.range(0.08, 0.15),
        spikes: rng.int(4, 7),
        angle: rng.range(0, Math.PI),
      };
  }
}

function distance(dx: number, dy: number): number {
  return Math.sqrt(dx * dx + dy * dy);
}

function insideTriangle(points: [number, number][], x: number, y: number): boolean {
  const [a, b, c] = points as [[number, number], [number, number], [number, number]];
  const side = (p: [number, number], q: [number, number]) =>
    (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

function inside(shape: Shape, x: number, y: number): boolean {
  switch (shape.kind) {
    case 'circle':
      return distance(x - shape.cx, y - shape.cy) <= shape.r;
    case 'ring': {
      const d = distance(x - shape.cx, y - shape.cy);
      return d <= shape.r && d >= shape.r - shape.width;
    }
    case 'box': {
      const dx = x - shape.cx;
      const dy = y - shape.cy;
      const u = dx * Math.cos(shape.angle) + dy * Math.sin(shape.angle);
      const v = -dx * Math.sin(shape.angle) + dy * Math.cos(shape.angle);
      return Math.abs(u) <= shape.w / 2 && Math.abs(v) <= shape.h / 2;
    }
    case 'triangle':
      return insideTriangle(shape.points, x, y);
    case 'stripes': {
      if (distance(x - shape.cx, y - shape.cy) > shape.r) return false;
      const t = (x * Math.cos(shape.angle) + y * Math.sin(shape.angle)) / shape.period;
      return t - Math.floor(t) < shape.duty;
    }
    case 'star': {
      const dx = x - shape.cx;
      const dy = y - shape.cy;
      const theta = Math.atan2(dy, dx) - shape.angle;
      const sector = (2 * Math.PI) / shape.spikes;
      const phase = Math.abs((((theta % sector) + sector) % sector) / sector - 0.5) * 2;
      return distance(dx, dy) <= shape.inner + (shape.outer - shape.inner) * phase;
    }
  }
}

export function randomLogoDesign(rng: Rng): LogoDesign {
  const baseHue = rng.range(0, 360);
  const light = rng.next() < 0.6;
  const grey = light ? rng.int(225, 250) : rng.int(20, 50);
  const layers = Array.from({ length: rng.int(2, 4) }, (_, i) => ({
    shape: randomShape(rng),
    colour: colour(rng, baseHue + i * rng.range(60, 160)),
  }));
  return { background: [grey, grey, grey], layers };
}

export interface RenderOptions {
  width: number;
  height: number;
  /** Scale of the logo inside the canvas around its centre (default 1). */
  scale?: number;
  /** Shift of the logo in fractions of the canvas (default 0). */
  shiftX?: number;
  shiftY?: number;
}

export function renderLogo(design: LogoDesign, options: RenderOptions): RgbaImage {
  const { width, height } = options;
  const scale = options.scale ?? 1;
  const data = new Uint8ClampedArray(width * height * 4);
  const offsets = [0.25, 0.75];
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const sum = [0, 0, 0];
      for (const oy of offsets) {
        for (const ox of offsets) {
          const x = ((px + ox) / width - 0.5 - (options.shiftX ?? 0)) / scale + 0.5;
          const y = ((py + oy) / height - 0.5 - (options.shiftY ?? 0)) / scale + 0.5;
          let paint = design.background;
          for (const layer of design.layers) if (inside(layer.shape, x, y)) paint = layer.colour;
          for (let c = 0; c < 3; c++) sum[c]! += paint[c]!;
        }
      }
      const offset = (py * width + px) * 4;
      for (let c = 0; c < 3; c++) data[offset + c] = sum[c]! / 4;
      data[offset + 3] = 255;
    }
  }
  return { width, height, data };
}

/**
 * A library of distinct logos, each entity with several slightly different renderings (size,
 * scale and position jitter), as PNG, with stable entity and identifier IDs.
 */
export function generateLogoLibrary(options: LogoLibraryOptions): LibraryEntity[] {
  const rng = createRng(options.seed);
  return Array.from({ length: options.entities ?? 6 }, (_, index) => {
    const design = randomLogoDesign(rng);
    const entityId = uuid(rng);
    const images = Array.from({ length: options.imagesPerEntity ?? 3 }, () => {
      const side = rng.int(128, 200);
      const image = renderLogo(design, {
        width: side,
        height: side,
        scale: rng.range(0.95, 1.05),
        shiftX: rng.range(-0.02, 0.02),
        shiftY: rng.range(-0.02, 0.02),
      });
      return { entityIdentifierId: uuid(rng), mime: 'image/png' as const, bytes: encodePng(image) };
    });
    return { entityId, name: `Logo ${index + 1}`, design, images };
  });
}

/** Logos that are not in any library generated with a different seed stream. */
export function generateNonLibraryImages(seed: number, count: number): RgbaImage[] {
  const rng = createRng(seed ^ 0x5eed);
  return Array.from({ length: count }, () => {
    const side = rng.int(128, 200);
    return renderLogo(randomLogoDesign(rng), { width: side, height: side });
  });
}

export type Transform = 'resize' | 'jpeg' | 'noise' | 'resize+jpeg+noise';

function bilinearResize(image: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.max(0, Math.min(image.height - 1, ((y + 0.5) * image.height) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.max(0, Math.min(image.width - 1, ((x + 0.5) * image.width) / width - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const fx = sx - x0;
      const i00 = (y0 * image.width + x0) * 4;
      const i01 = (y0 * image.width + x1) * 4;
      const i10 = (y1 * image.width + x0) * 4;
      const i11 = (y1 * image.width + x1) * 4;
      for (let c = 0; c < 4; c++) {
        const top = image.data[i00 + c]! * (1 - fx) + image.data[i01 + c]! * fx;
        const bottom = image.data[i10 + c]! * (1 - fx) + image.data[i11 + c]! * fx;
        data[(y * width + x) * 4 + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { width, height, data };
}

function addNoise(image: RgbaImage, rng: Rng, sigma: number): RgbaImage {
  const data = new Uint8ClampedArray(image.data);
  for (let i = 0; i < data.length; i++) if (i % 4 !== 3) data[i] = data[i]! + rng.gaussian() * sigma;
  return { width: image.width, height: image.height, data };
}

export interface TransformedFrame {
  transform: Transform;
  mime: 'image/png' | 'image/jpeg';
  bytes: Uint8Array;
}

/** Applies a test transformation: resize 0.5..1.6x, JPEG quality 55..85, Gaussian noise sigma 4..10, or all three. */
export function transformImage(image: RgbaImage, transform: Transform, seed: number): TransformedFrame {
  const rng = createRng(seed);
  let out = image;
  if (transform === 'resize' || transform === 'resize+jpeg+noise') {
    const factor = rng.range(0.5, 1.6);
    out = bilinearResize(
      out,
      Math.max(16, Math.round(out.width * factor)),
      Math.max(16, Math.round(out.height * factor)),
    );
  }
  if (transform === 'noise' || transform === 'resize+jpeg+noise') out = addNoise(out, rng, rng.range(4, 10));
  if (transform === 'jpeg' || transform === 'resize+jpeg+noise') {
    return { transform, mime: 'image/jpeg', bytes: encodeJpeg(out, rng.int(55, 85)) };
  }
  return { transform, mime: 'image/png', bytes: encodePng(out) };
}

export const TRANSFORMS: readonly Transform[] = ['resize', 'jpeg', 'noise', 'resize+jpeg+noise'];
