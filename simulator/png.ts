/**
 * PNG snapshots of the simulated screen, through pngjs (a well-kept pure-JS encoder), so
 * `watchword simulate --screenshots <dir>` leaves a picture of what the watch showed at each
 * recognized command. `scale` enlarges pixels (nearest neighbour) so the tiny screen is
 * readable in a README; `readPng` is used by the tests to check what was written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Framebuffer } from './framebuffer';

export function encodePng(fb: Framebuffer, scale = 1): Buffer {
  const s = Math.max(1, Math.floor(scale));
  const png = new PNG({ width: fb.width * s, height: fb.height * s });
  const rgba = fb.toRGBA();
  for (let y = 0; y < fb.height * s; y++) {
    for (let x = 0; x < fb.width * s; x++) {
      const src = ((y / s | 0) * fb.width + (x / s | 0)) * 4;
      const dst = (y * fb.width * s + x) * 4;
      png.data[dst] = rgba[src]; png.data[dst + 1] = rgba[src + 1]; png.data[dst + 2] = rgba[src + 2]; png.data[dst + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

export function writePng(fb: Framebuffer, file: string, scale = 1): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodePng(fb, scale));
}

export function readPng(file: string): { width: number; height: number; data: Buffer } {
  const png = PNG.sync.read(fs.readFileSync(file));
  return { width: png.width, height: png.height, data: png.data };
}
