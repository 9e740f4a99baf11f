/**
 * The watch screen as pixels. A framebuffer holds one colour value per pixel in the board's
 * own colour format — Bangle.js 2's memory LCD is 176×176 with 3-bit colour (bit 2 red,
 * bit 1 green, bit 0 blue: 0 black … 7 white), Bangle.js 1's ST7789 is 240×240 RGB565 — so the
 * graphics shim writes the same numbers `g.setColor` produces on the device, and only the
 * PNG writer turns them into RGB.
 */
export interface Screen {
  width: number;
  height: number;
  /** Bits per pixel of the device's colour format: 1, 3 or 16. */
  bpp: 1 | 3 | 16;
}

export class Framebuffer {
  readonly width: number;
  readonly height: number;
  readonly bpp: 1 | 3 | 16;
  readonly pixels: Uint16Array;

  constructor(screen: Screen) {
    this.width = screen.width;
    this.height = screen.height;
    this.bpp = screen.bpp;
    this.pixels = new Uint16Array(this.width * this.height);
  }

  /** The largest colour value of this format (white). */
  get maxColor(): number {
    return this.bpp === 16 ? 0xffff : (1 << this.bpp) - 1;
  }

  get(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return 0;
    return this.pixels[y * this.width + x];
  }

  set(x: number, y: number, color: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels[y * this.width + x] = color & this.maxColor;
  }

  /** Fills the rectangle with inclusive corners (x1,y1)-(x2,y2), clipped to the screen, like graphicsFillRect. */
  fillRect(x1: number, y1: number, x2: number, y2: number, color: number): void {
    if (x1 > x2) [x1, x2] = [x2, x1];
    if (y1 > y2) [y1, y2] = [y2, y1];
    const xa = Math.max(0, Math.floor(x1)), xb = Math.min(this.width - 1, Math.floor(x2));
    const ya = Math.max(0, Math.floor(y1)), yb = Math.min(this.height - 1, Math.floor(y2));
    const c = color & this.maxColor;
    for (let y = ya; y <= yb; y++) this.pixels.fill(c, y * this.width + xa, y * this.width + xb + 1);
  }

  /** The 8-bit RGB of a device colour value. */
  rgb(color: number): [number, number, number] {
    if (this.bpp === 16) {
      const r = (color >> 11) & 31, g = (color >> 5) & 63, b = color & 31;
      return [(r * 255 + 15) / 31 | 0, (g * 255 + 31) / 63 | 0, (b * 255 + 15) / 31 | 0];
    }
    if (this.bpp === 3) return [color & 4 ? 255 : 0, color & 2 ? 255 : 0, color & 1 ? 255 : 0];
    return color ? [255, 255, 255] : [0, 0, 0];
  }

  /** RGBA bytes, row-major, for the PNG writer. */
  toRGBA(): Uint8Array {
    const out = new Uint8Array(this.width * this.height * 4);
    for (let i = 0; i < this.pixels.length; i++) {
      const [r, g, b] = this.rgb(this.pixels[i]);
      out[i * 4] = r; out[i * 4 + 1] = g; out[i * 4 + 2] = b; out[i * 4 + 3] = 255;
    }
    return out;
  }

  /** The device colour for r,g,b in 0..1, as Espruino's toColor computes it for this format. */
  toColor(r: number, g: number, b: number): number {
    const c = (v: number) => Math.max(0, Math.min(255, Math.floor(v * 255)));
    const R = c(r), G = c(g), B = c(b);
    if (this.bpp === 16) return ((R >> 3) << 11) | ((G >> 2) << 5) | (B >> 3);
    if (this.bpp === 3) return ((R >> 7) << 2) | ((G >> 7) << 1) | (B >> 7);
    return (R + G + B) >= 384 ? 1 : 0;
  }
}
