#!/usr/bin/env node
// Generates the Teams app icons manifest/color.png (192×192, opaque, full colour)
// and manifest/outline.png (32×32, white on transparent) using only Node built-ins.
//
// Design: a white speech bubble with a rounded "R" (Rådsassistenten) on the
// council blue #1F4E79. The outline icon is the same symbol drawn as a white
// bubble outline with a white "R" on a transparent background.
//
// Usage: node scripts/make-icons.mjs [--out DIR]   (default: <project>/manifest)

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------
// PNG encoding (signature, IHDR, IDAT, IEND; CRC32 computed here)
// ---------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData), 0);
  return Buffer.concat([len, typeAndData, crc]);
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  if (pb <= pc) return b;
  return c;
}

/**
 * Applies PNG filtering with the usual "minimum sum of absolute differences"
 * heuristic, choosing one of the five filter types per scanline.
 */
function filterScanlines(raw, width, height, bpp) {
  const stride = width * bpp;
  const out = Buffer.alloc((stride + 1) * height);
  const candidate = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? raw.subarray((y - 1) * stride, y * stride) : null;
    let bestType = 0;
    let bestScore = Infinity;
    let best = Buffer.alloc(stride);
    for (let type = 0; type <= 4; type++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev ? prev[i] : 0;
        const c = prev && i >= bpp ? prev[i - bpp] : 0;
        let pred = 0;
        if (type === 1) pred = a;
        else if (type === 2) pred = b;
        else if (type === 3) pred = (a + b) >> 1;
        else if (type === 4) pred = paeth(a, b, c);
        const v = (row[i] - pred) & 0xff;
        candidate[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        bestType = type;
        best = Buffer.from(candidate);
      }
    }
    out[y * (stride + 1)] = bestType;
    best.copy(out, y * (stride + 1) + 1);
  }
  return out;
}

/** Encodes 8-bit RGB (colorType 2) or RGBA (colorType 6) pixels as PNG. */
export function encodePng(width, height, pixels, colorType) {
  const bpp = colorType === 6 ? 4 : 3;
  if (pixels.length !== width * height * bpp) throw new Error('pixel buffer has wrong size');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colorType;
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method: adaptive
  ihdr[12] = 0; // no interlace
  const idat = deflateSync(filterScanlines(pixels, width, height, bpp), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------
// Geometry as signed distance functions in a 192×192 design space
// (negative = inside). Both icons are rendered from the same shapes.
// ---------------------------------------------------------------------------

function sdRoundedRect(px, py, x0, y0, x1, y1, r) {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const hx = (x1 - x0) / 2 - r;
  const hy = (y1 - y0) / 2 - r;
  const qx = Math.abs(px - cx) - hx;
  const qy = Math.abs(py - cy) - hy;
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.hypot(ox, oy) + Math.min(Math.max(qx, qy), 0) - r;
}

function sdSegment(px, py, ax, ay, bx, by) {
  const pax = px - ax;
  const pay = py - ay;
  const bax = bx - ax;
  const bay = by - ay;
  const h = Math.max(0, Math.min(1, (pax * bax + pay * bay) / (bax * bax + bay * bay)));
  return Math.hypot(pax - bax * h, pay - bay * h);
}

function sdTriangle(px, py, [ax, ay], [bx, by], [cx, cy]) {
  const d = Math.min(
    sdSegment(px, py, ax, ay, bx, by),
    sdSegment(px, py, bx, by, cx, cy),
    sdSegment(px, py, cx, cy, ax, ay),
  );
  const s1 = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
  const s2 = (cx - bx) * (py - by) - (cy - by) * (px - bx);
  const s3 = (ax - cx) * (py - cy) - (ay - cy) * (px - cx);
  const inside = (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  return inside ? -d : d;
}

/** Speech bubble: rounded rectangle plus a tail towards the lower left. */
function sdBubble(x, y, [x0, y0, x1, y1] = [30, 34, 162, 138]) {
  const body = sdRoundedRect(x, y, x0, y0, x1, y1, 28);
  const tail = sdTriangle(x, y, [54, 124], [96, 124], [42, 166]);
  return Math.min(body, tail);
}

/** A rounded, stroked capital R, drawn as a union of capsules and a half ring. */
function sdLetterR(x, y, stroke, { top = 56, mid = 90, bottom = 118 } = {}) {
  const r = stroke / 2;
  const left = 78;
  const bowlX = 100;
  const bowlR = (mid - top) / 2;
  const bowlCy = top + bowlR;
  let d = sdSegment(x, y, left, top, left, bottom) - r; // stem
  d = Math.min(d, sdSegment(x, y, left, top, bowlX, top) - r); // top bar
  d = Math.min(d, sdSegment(x, y, left, mid, bowlX, mid) - r); // middle bar
  // Right half of a ring closing the bowl.
  const ring = x >= bowlX ? Math.abs(Math.hypot(x - bowlX, y - bowlCy) - bowlR) - r : Infinity;
  d = Math.min(d, ring);
  d = Math.min(d, sdSegment(x, y, bowlX - 4, mid, bowlX + 20, bottom) - r); // leg
  return d;
}

// ---------------------------------------------------------------------------
// Rasterisation with 4×4 supersampling
// ---------------------------------------------------------------------------

const SS = 4;

/** Returns, per pixel, the fraction of samples for which `inside(x, y)` holds. */
function coverage(size, inside) {
  const scale = 192 / size;
  const cov = new Float64Array(size * size);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (px + (sx + 0.5) / SS) * scale;
          const y = (py + (sy + 0.5) / SS) * scale;
          if (inside(x, y)) hits++;
        }
      }
      cov[py * size + px] = hits / (SS * SS);
    }
  }
  return cov;
}

const BLUE = [0x1f, 0x4e, 0x79];
const WHITE = [0xff, 0xff, 0xff];

function renderColor() {
  const size = 192;
  const white = coverage(size, (x, y) => sdBubble(x, y) <= 0 && sdLetterR(x, y, 15) > 0);
  const px = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const t = white[i];
    for (let c = 0; c < 3; c++) px[i * 3 + c] = Math.round(BLUE[c] * (1 - t) + WHITE[c] * t);
  }
  return encodePng(size, size, px, 2);
}

function renderOutline() {
  const size = 32;
  // 6 design units = 1 px here; the outline geometry is snapped to whole
  // pixels (2 px strokes) so that the small icon stays crisp.
  const box = [24, 30, 168, 138];
  const on = coverage(
    size,
    (x, y) =>
      Math.abs(sdBubble(x, y, box) + 6) <= 6 ||
      sdLetterR(x, y, 12, { top: 54, mid: 90, bottom: 120 }) <= 0,
  );
  const px = Buffer.alloc(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const a = Math.round(on[i] * 255);
    // Only white pixels (any alpha) or fully transparent pixels.
    px[i * 4] = 0xff;
    px[i * 4 + 1] = 0xff;
    px[i * 4 + 2] = 0xff;
    px[i * 4 + 3] = a;
  }
  return encodePng(size, size, px, 6);
}

function main() {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const outDir = outIdx >= 0 && args[outIdx + 1] ? resolve(args[outIdx + 1]) : join(projectRoot, 'manifest');
  mkdirSync(outDir, { recursive: true });
  const colorPath = join(outDir, 'color.png');
  const outlinePath = join(outDir, 'outline.png');
  writeFileSync(colorPath, renderColor());
  writeFileSync(outlinePath, renderOutline());
  console.log(`Wrote ${colorPath}`);
  console.log(`Wrote ${outlinePath}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
