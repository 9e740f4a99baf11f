/**
 * The app icon, drawn procedurally (no binary asset to keep in sync): a ring with a wave
 * through it, 48 x 48, one bit per pixel. It is emitted three ways:
 * - `img`: an Espruino image string, the `<id>.img` a Bangle.js launcher draws with
 *   `g.drawImage`. Layout (Espruino libs/graphics/jswrap_graphics.c, image-string parsing):
 *   byte 0 width, byte 1 height, byte 2 bits per pixel with bit 7 set when a transparent
 *   colour index follows in byte 3, then the pixels row by row, packed most significant bit
 *   first, with no padding at the end of a row.
 * - `js`: the App Loader form, `atob("...")`, which BangleApps evaluates on the watch
 *   (storage entry with `evaluate: true`; bin/sanitycheck.js decodes this exact pattern and
 *   requires 24-48 px).
 * - `png`: the metadata.json `icon` shown on the App Loader website.
 */
import { PNG } from 'pngjs';

export const ICON_SIZE = 48;

/** A 1-bit bitmap, row-major, 1 = ink. */
export interface Bitmap { width: number; height: number; bits: Uint8Array }

/** Draws the icon: a 3-px ring and a two-period wave across it (deterministic integer math). */
export function drawIcon(size = ICON_SIZE): Bitmap {
  const bits = new Uint8Array(size * size);
  const c = (size - 1) / 2;
  const rOut = size / 2 - 1;
  const rIn = rOut - 3;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d2 = (x - c) * (x - c) + (y - c) * (y - c);
      if (d2 <= rOut * rOut && d2 >= rIn * rIn) bits[y * size + x] = 1;
    }
  }
  // The wave: y = c - A*sin(2 pi * 2 * t), drawn 3 px thick inside the ring.
  const amp = size / 6;
  // Each column is filled from the previous column's height to its own, so steep parts join up.
  const x0 = Math.ceil(c - rIn + 2);
  const yAt = (x: number) => Math.round(c - amp * Math.sin(2 * Math.PI * 2 * ((x - x0) / (2 * (c - x0)))));
  for (let x = x0; x <= Math.floor(2 * c - x0); x++) {
    const y1 = yAt(x);
    const y0 = x === x0 ? y1 : yAt(x - 1);
    for (let y = Math.min(y0, y1) - 1; y <= Math.max(y0, y1) + 1; y++) bits[y * size + x] = 1;
  }
  return { width: size, height: size, bits };
}

/** Packs a bitmap as an Espruino image string (1 bpp, colour 0 transparent). */
export function espruinoImage(bm: Bitmap): Uint8Array {
  if (bm.width < 1 || bm.width > 255 || bm.height < 1 || bm.height > 255) {
    throw new RangeError(`espruinoImage: ${bm.width}x${bm.height} does not fit the 8-bit size fields`);
  }
  const n = bm.width * bm.height;
  const out = new Uint8Array(4 + Math.ceil(n / 8));
  out[0] = bm.width;
  out[1] = bm.height;
  out[2] = 0x80 | 1; // 1 bpp, transparent colour follows
  out[3] = 0; // colour 0 (background) is transparent, so the icon suits light and dark themes
  for (let i = 0; i < n; i++) if (bm.bits[i]) out[4 + (i >> 3)] |= 0x80 >> (i & 7);
  return out;
}

/** Decodes an Espruino image string header and pixels (the inverse of espruinoImage, any bpp <= 8). */
export function parseEspruinoImage(img: Uint8Array): { width: number; height: number; bpp: number; transparent: number | null; pixels: Uint8Array } {
  if (img.length < 3) throw new RangeError('Espruino image: shorter than its 3-byte header');
  const width = img[0];
  const height = img[1];
  const bpp = img[2] & 0x7f;
  const hasTransparent = (img[2] & 0x80) !== 0;
  const offset = hasTransparent ? 4 : 3;
  if (width === 0 || height === 0 || ![1, 2, 4, 8].includes(bpp)) throw new RangeError(`Espruino image: bad header ${width}x${height} ${bpp} bpp`);
  const need = offset + Math.ceil((width * height * bpp) / 8);
  if (img.length < need) throw new RangeError(`Espruino image: ${img.length} bytes, ${need} needed for ${width}x${height} at ${bpp} bpp`);
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const bit = i * bpp;
    pixels[i] = (img[offset + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
  }
  return { width, height, bpp, transparent: hasTransparent ? img[3] : null, pixels };
}

/** The App Loader's evaluated icon expression for an image string. */
export function iconJs(img: Uint8Array): string {
  return `atob("${Buffer.from(img).toString('base64')}")`;
}

/** The bitmap as a PNG (dark ink on a transparent background). Deterministic bytes. */
export function iconPng(bm: Bitmap): Buffer {
  const png = new PNG({ width: bm.width, height: bm.height });
  for (let i = 0; i < bm.width * bm.height; i++) {
    const o = i * 4;
    png.data[o] = 0x20; png.data[o + 1] = 0x30; png.data[o + 2] = 0x40;
    png.data[o + 3] = bm.bits[i] ? 255 : 0;
  }
  return PNG.sync.write(png);
}
