// Painting up to 100,000 scatter points straight into a canvas's pixels. A canvas arc costs ~5 µs in Chromium's
// software renderer: 100,000 points took ~500 ms to paint, a third of the home page's render at 100,000 runs
// (bench:ui, 2 cores, no GPU). A precomputed disc stamp blended in JS costs ~20 ms for the same points. Pure
// functions over RGBA bytes (ImageData's layout), so they are tested without a browser.

export type Rgb = readonly [number, number, number];

/** A disc of radius `r` pixels as a square stamp: each cell's coverage (0–1), from 4×4 samples per pixel. */
export function discStamp(r: number): { half: number; coverage: Float32Array } {
  const half = Math.ceil(r - 0.5);
  const size = 2 * half + 1;
  const coverage = new Float32Array(size * size);
  for (let cy = 0; cy < size; cy++) {
    for (let cx = 0; cx < size; cx++) {
      let inside = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const dx = cx - half - 0.5 + (sx + 0.5) / 4;
          const dy = cy - half - 0.5 + (sy + 0.5) / 4;
          if (dx * dx + dy * dy <= r * r) inside++;
        }
      }
      coverage[cy * size + cx] = inside / 16;
    }
  }
  return { half, coverage };
}

/**
 * Blends a disc of `colour` at each listed point into `pixels` (RGBA, `width` × `height`, not premultiplied, as
 * ImageData holds them), source-over with opacity `alpha` × the disc's coverage: what `ctx.arc` + `ctx.fill`
 * draws, up to anti-aliasing. `xs`/`ys` are in pixels; `which` lists the points to paint, in order.
 */
export function stampPoints(
  pixels: Uint8ClampedArray, width: number, height: number,
  xs: Float32Array, ys: Float32Array, which: ArrayLike<number>,
  colour: Rgb, alpha: number, stamp: { half: number; coverage: Float32Array },
): void {
  const { half, coverage } = stamp;
  const size = 2 * half + 1;
  const [r, g, b] = colour;
  const opacity = coverage.map((c) => alpha * c);
  // An empty pixel takes the point's colour as is: one 32-bit write of its bytes (r, g, b, a in memory order).
  const words = new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.length >> 2);
  const packed = new Uint32Array(opacity.length);
  new Uint8ClampedArray(packed.buffer).forEach((_, i, bytes) => (bytes[i] = [r, g, b, opacity[i >> 2] * 255][i & 3]));
  for (let n = 0; n < which.length; n++) {
    const k = which[n];
    const x0 = Math.round(xs[k]) - half;
    const y0 = Math.round(ys[k]) - half;
    for (let cy = 0; cy < size; cy++) {
      const y = y0 + cy;
      if (y < 0 || y >= height) continue;
      for (let cx = 0; cx < size; cx++) {
        const x = x0 + cx;
        const a = opacity[cy * size + cx];
        if (x < 0 || x >= width || a === 0) continue;
        const p = y * width + x;
        if (words[p] === 0) {
          words[p] = packed[cy * size + cx]; // nothing painted here yet (most of a scatter)
          continue;
        }
        const o = p * 4;
        const da = pixels[o + 3];
        const under = (da / 255) * (1 - a);
        const outA = a + under;
        pixels[o] = (r * a + pixels[o] * under) / outA;
        pixels[o + 1] = (g * a + pixels[o + 1] * under) / outA;
        pixels[o + 2] = (b * a + pixels[o + 2] * under) / outA;
        pixels[o + 3] = outA * 255;
      }
    }
  }
}

/** "#rrggbb" (what a canvas reads back for any opaque fillStyle it was given) as [r, g, b]. */
export function hexRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}
