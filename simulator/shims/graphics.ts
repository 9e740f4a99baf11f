/**
 * The `g` object of a board with a screen, drawing into a Framebuffer with Espruino's
 * Graphics semantics for the calls watchword's app glue uses: clear, setColor/setBgColor
 * (r,g,b in 0..1, a device colour number, or "#rgb"/"#rrggbb"), setFont with the built-in
 * 6x8 bitmap font ("6x8", "6x8:2", "6x8:2x3" or a scale argument), setFontAlign,
 * drawString (multi-line, aligned per line, optional solid background), stringWidth,
 * fillRect/drawRect/clearRect (inclusive corners or {x,y,w,h}), setPixel/getPixel,
 * drawLine, drawImage of an Espruino image (string/ArrayBuffer/typed array with the
 * width,height,bpp[,transparent][,palette] header, or an {width,height,bpp,buffer} object),
 * getWidth/getHeight, theme, reset, flip.
 * Anything the simulator cannot draw faithfully (other fonts, rotated text or images) throws
 * an Error naming it, rather than producing a screenshot that differs from the watch.
 */
import { Framebuffer } from '../framebuffer';
import { FONT6X8_HEIGHT, FONT6X8_WIDTH, glyph6x8 } from '../fonts/font6x8';
import { dataToBytes, isArrayBuffer, stringToBytes } from './strings';

export interface Theme { fg: number; bg: number; fg2: number; bg2: number; fgH: number; bgH: number; dark: boolean }

/** The default theme of a screen: light (black on white) for 3-bit memory LCDs, dark otherwise. */
export function defaultTheme(fb: Framebuffer): Theme {
  const white = fb.maxColor;
  if (fb.bpp === 3) return { fg: 0, bg: white, fg2: 0, bg2: fb.toColor(0, 1, 1), fgH: 0, bgH: fb.toColor(0, 1, 1), dark: false };
  return { fg: white, bg: 0, fg2: white, bg2: fb.toColor(0, 0, 0.5), fgH: white, bgH: fb.toColor(0, 0.5, 1), dark: true };
}

export interface GraphicsShim {
  [key: string]: unknown;
}

/** Counters the simulator reads to know what the app did to the screen. */
export interface GraphicsStats { flips: number; draws: number }

export function createGraphics(fb: Framebuffer, theme: Theme = defaultTheme(fb)): { g: GraphicsShim; stats: GraphicsStats } {
  const stats: GraphicsStats = { flips: 0, draws: 0 };
  const st = { fg: theme.fg, bg: theme.bg, font: '6x8', sx: 1, sy: 1, alignX: -1, alignY: -1 };

  function parseColor(args: unknown[], what: string): number {
    if (args.length >= 3) return fb.toColor(Number(args[0]), Number(args[1]), Number(args[2]));
    const c = args[0];
    if (typeof c === 'number') return Math.floor(c) & fb.maxColor;
    if (typeof c === 'string') {
      const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
      if (!m) throw new Error(`${what}: colour ${JSON.stringify(c)} is not "#rgb" or "#rrggbb"`);
      const h = m[1];
      const v = h.length === 3 ? [0, 1, 2].map((i) => parseInt(h[i] + h[i], 16)) : [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
      return fb.toColor(v[0] / 255, v[1] / 255, v[2] / 255);
    }
    throw new Error(`${what}: expected (r,g,b), a colour number or a "#rrggbb" string`);
  }

  function rectArgs(a: unknown[]): [number, number, number, number] {
    const o = a[0] as { x?: number; y?: number; w?: number; h?: number; x2?: number; y2?: number } | undefined;
    if (o && typeof o === 'object') {
      const x = Number(o.x), y = Number(o.y);
      return [x, y, o.x2 !== undefined ? Number(o.x2) : x + Number(o.w) - 1, o.y2 !== undefined ? Number(o.y2) : y + Number(o.h) - 1];
    }
    return [Number(a[0]), Number(a[1]), Number(a[2]), Number(a[3])];
  }

  function codePoints(s: string): number[] {
    return Array.from(s, (ch) => ch.codePointAt(0)!);
  }

  function lineWidth(line: string): number {
    return codePoints(line).length * FONT6X8_WIDTH * st.sx;
  }

  function drawChar(code: number, x: number, y: number, solid: boolean): void {
    const rows = glyph6x8(code);
    if (!rows) {
      if (solid) fb.fillRect(x, y, x + 5 * st.sx, y + 7 * st.sy, st.bg);
      return;
    }
    for (let ry = 0; ry < FONT6X8_HEIGHT; ry++) {
      for (let rx = 0; rx < FONT6X8_WIDTH; rx++) {
        const on = (rows[ry] >> (5 - rx)) & 1;
        if (!on && !solid) continue;
        const px = x + rx * st.sx, py = y + ry * st.sy;
        fb.fillRect(px, py, px + st.sx - 1, py + st.sy - 1, on ? st.fg : st.bg);
      }
    }
  }

  /** Decodes an image argument into pixel reader + size, following _jswrap_graphics_parseImage. */
  function parseImage(img: unknown): { w: number; h: number; pixel: (i: number) => number | null } {
    let bytes: Uint8Array | null = null;
    let w: number, h: number, bpp: number;
    let transparent: number | null = null;
    let palette: number[] | null = null;
    let dataOff = 0;
    if (typeof img === 'string' || isArrayBuffer(img) || ArrayBuffer.isView(img)) {
      bytes = typeof img === 'string' ? stringToBytes(img) : dataToBytes(img);
      if (!bytes || bytes.length < 3) throw new Error('drawImage: Expecting valid Image');
      w = bytes[0]; h = bytes[1]; bpp = bytes[2]; dataOff = 3;
      if (bpp & 128) { bpp &= 127; transparent = bytes[3]; dataOff = 4; }
      if (bpp & 64) {
        bpp &= 63;
        if (bpp > 8) throw new Error("drawImage: Can't have palette on >8 bit images");
        palette = [];
        for (let i = 0; i < (1 << bpp); i++) palette.push(bytes[dataOff + i * 2] | (bytes[dataOff + i * 2 + 1] << 8));
        dataOff += (1 << bpp) * 2;
      }
    } else if (img && typeof img === 'object') {
      const o = img as { width?: number; height?: number; bpp?: number; buffer?: unknown; transparent?: number; palette?: ArrayLike<number> };
      w = Number(o.width); h = Number(o.height); bpp = Number(o.bpp) > 0 ? Number(o.bpp) : 1;
      bytes = dataToBytes(o.buffer);
      if (typeof o.transparent === 'number') transparent = o.transparent;
      if (o.palette) palette = Array.from(o.palette);
    } else {
      throw new Error('drawImage: First argument must be Object or String');
    }
    if (!bytes || !(w > 0) || !(h > 0) || bpp > 32) throw new Error('drawImage: Expecting valid Image');
    const need = dataOff + Math.ceil((w * h * bpp) / 8);
    if (bytes.length < need) throw new Error(`drawImage: image of ${w}x${h}x${bpp}bpp needs ${need} bytes, got ${bytes.length}`);
    if (!palette) {
      if (bpp === 1) palette = [st.bg, st.fg];
      else if (bpp === 3 && fb.bpp === 16) palette = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => fb.toColor((i >> 2) & 1, (i >> 1) & 1, i & 1));
    }
    const src = bytes;
    const mask = bpp >= 32 ? 0xffffffff : (1 << bpp) - 1;
    return {
      w, h,
      pixel(i: number) {
        let bit = i * bpp;
        let v = 0;
        for (let k = 0; k < bpp; k++, bit++) v = (v * 2) + ((src[dataOff + (bit >> 3)] >> (7 - (bit & 7))) & 1);
        v &= mask;
        if (transparent !== null && v === transparent) return null;
        return palette ? palette[v & (palette.length - 1)] : v;
      },
    };
  }

  const g: GraphicsShim = {
    theme: { ...theme },
    getWidth: () => fb.width,
    getHeight: () => fb.height,
    getBPP: () => fb.bpp,
    reset() {
      st.fg = theme.fg; st.bg = theme.bg; st.font = '6x8'; st.sx = 1; st.sy = 1; st.alignX = -1; st.alignY = -1;
      return g;
    },
    clear(reset?: boolean) {
      if (reset) (g.reset as () => void)();
      fb.fillRect(0, 0, fb.width - 1, fb.height - 1, st.bg);
      stats.draws++;
      return g;
    },
    setColor(...a: unknown[]) { st.fg = parseColor(a, 'setColor'); return g; },
    setBgColor(...a: unknown[]) { st.bg = parseColor(a, 'setBgColor'); return g; },
    getColor: () => st.fg,
    getBgColor: () => st.bg,
    toColor: (...a: unknown[]) => parseColor(a, 'toColor'),
    setFont(name: unknown, size?: unknown) {
      const m = /^6x8(?::(\d+)(?:x(\d+))?)?$/.exec(String(name));
      if (!m) throw new Error(`setFont: font ${JSON.stringify(String(name))} is not built into the watchword simulator (it draws Espruino's bitmap "6x8", scaled with "6x8:N" or setFont("6x8", N))`);
      const s = size !== undefined ? Math.max(1, Math.floor(Number(size))) : m[1] ? Number(m[1]) : 1;
      st.font = '6x8'; st.sx = s; st.sy = m[2] ? Number(m[2]) : s;
      return g;
    },
    getFont: () => (st.sx === 1 && st.sy === 1 ? '6x8' : st.sx === st.sy ? `6x8:${st.sx}` : `6x8:${st.sx}x${st.sy}`),
    getFontHeight: () => FONT6X8_HEIGHT * st.sy,
    setFontAlign(x: number, y?: number, rotation?: number) {
      if (rotation) throw new Error('setFontAlign: rotated text is not supported by the watchword simulator');
      st.alignX = Number(x) || 0; st.alignY = Number(y) || 0;
      return g;
    },
    stringWidth: (s: unknown) => Math.max(0, ...String(s).split('\n').map(lineWidth)),
    drawString(str: unknown, x: number, y: number, solid?: boolean) {
      const lines = String(str).split('\n');
      const lh = FONT6X8_HEIGHT * st.sy;
      let cy = Math.floor(Number(y) - (lines.length * lh * (st.alignY + 1)) / 2);
      for (const line of lines) {
        let cx = Math.floor(Number(x) - (lineWidth(line) * (st.alignX + 1)) / 2);
        for (const code of codePoints(line)) { drawChar(code, cx, cy, !!solid); cx += FONT6X8_WIDTH * st.sx; }
        cy += lh;
      }
      stats.draws++;
      return g;
    },
    fillRect(...a: unknown[]) { const [x1, y1, x2, y2] = rectArgs(a); fb.fillRect(x1, y1, x2, y2, st.fg); stats.draws++; return g; },
    clearRect(...a: unknown[]) { const [x1, y1, x2, y2] = rectArgs(a); fb.fillRect(x1, y1, x2, y2, st.bg); stats.draws++; return g; },
    drawRect(...a: unknown[]) {
      const [x1, y1, x2, y2] = rectArgs(a);
      fb.fillRect(x1, y1, x2, y1, st.fg); fb.fillRect(x1, y2, x2, y2, st.fg);
      fb.fillRect(x1, y1, x1, y2, st.fg); fb.fillRect(x2, y1, x2, y2, st.fg);
      stats.draws++;
      return g;
    },
    drawLine(x1: number, y1: number, x2: number, y2: number) {
      const n = Math.max(Math.abs(x2 - x1), Math.abs(y2 - y1), 1);
      for (let i = 0; i <= n; i++) fb.set(Math.round(x1 + ((x2 - x1) * i) / n), Math.round(y1 + ((y2 - y1) * i) / n), st.fg);
      stats.draws++;
      return g;
    },
    setPixel(x: number, y: number, c?: unknown) { fb.set(Math.floor(x), Math.floor(y), c === undefined ? st.fg : parseColor([c], 'setPixel')); return g; },
    getPixel: (x: number, y: number) => fb.get(Math.floor(x), Math.floor(y)),
    drawImage(img: unknown, x: number, y: number, opts?: { scale?: number; rotate?: number }) {
      if (opts && opts.rotate) throw new Error('drawImage: rotate is not supported by the watchword simulator');
      const s = opts && opts.scale ? Number(opts.scale) : 1;
      const im = parseImage(img);
      for (let iy = 0; iy < im.h; iy++) {
        for (let ix = 0; ix < im.w; ix++) {
          const c = im.pixel(iy * im.w + ix);
          if (c === null) continue;
          const px = Math.floor(Number(x) + ix * s), py = Math.floor(Number(y) + iy * s);
          fb.fillRect(px, py, Math.floor(Number(x) + (ix + 1) * s) - 1, Math.floor(Number(y) + (iy + 1) * s) - 1, c);
        }
      }
      stats.draws++;
      return g;
    },
    flip() { stats.flips++; return g; },
  };
  return { g, stats };
}
