import { describe, expect, it } from "vitest";
import { discStamp, hexRgb, stampPoints } from "./point-raster";

const rgba = (pixels: Uint8ClampedArray, width: number, x: number, y: number) => Array.from(pixels.slice((y * width + x) * 4, (y * width + x) * 4 + 4));

describe("point raster", () => {
  it("a disc stamp covers its centre fully, fades at the rim, and has the disc's area", () => {
    for (const r of [1.5, 2.5, 4]) {
      const { half, coverage } = discStamp(r);
      const size = 2 * half + 1;
      expect(coverage[half * size + half]).toBe(1);
      expect(coverage[0]).toBeLessThan(1);
      const area = coverage.reduce((s, c) => s + c, 0);
      expect(Math.abs(area - Math.PI * r * r) / (Math.PI * r * r)).toBeLessThan(0.08);
    }
  });

  it("blends source-over: opaque on an empty canvas, mixed over an earlier point, nothing outside the canvas", () => {
    const width = 8, height = 4;
    const pixels = new Uint8ClampedArray(width * height * 4);
    const stamp = discStamp(1.5);
    const xs = new Float32Array([2, 2, 7.4, -5]);
    const ys = new Float32Array([1, 1, 3.2, -5]);
    stampPoints(pixels, width, height, xs, ys, [0], [255, 0, 0], 1, stamp);
    expect(rgba(pixels, width, 2, 1)).toEqual([255, 0, 0, 255]);
    stampPoints(pixels, width, height, xs, ys, [1], [0, 0, 255], 0.5, stamp);
    expect(rgba(pixels, width, 2, 1)).toEqual([128, 0, 128, 255]); // half blue over red
    const edge = rgba(pixels, width, 3, 2); // a corner of the disc, partly covered
    expect(edge[3]).toBeGreaterThan(0);
    expect(edge[3]).toBeLessThan(255);
    stampPoints(pixels, width, height, xs, ys, [2, 3], [0, 255, 0], 0.5, stamp); // one clipped at the corner, one off the canvas
    expect(rgba(pixels, width, 7, 3)).toEqual([0, 255, 0, 128]);
    expect(rgba(pixels, width, 0, 3)).toEqual([0, 0, 0, 0]);
  });

  it("paints 100,000 points without leaving the buffer", () => {
    const width = 1200, height = 300;
    const pixels = new Uint8ClampedArray(width * height * 4);
    const n = 100_000;
    const xs = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1300) - 50);
    const ys = Float32Array.from({ length: n }, (_, i) => ((i * 104729) % 400) - 50);
    stampPoints(pixels, width, height, xs, ys, Array.from({ length: n }, (_, i) => i), [10, 20, 30], 0.5, discStamp(1.5));
    expect(pixels.length).toBe(width * height * 4);
    expect(pixels.some((v) => v > 0)).toBe(true);
  });

  it("reads the canvas's #rrggbb", () => {
    expect(hexRgb("#0ea5e9")).toEqual([14, 165, 233]);
    expect(() => hexRgb("hsl(1 2% 3%)")).toThrow(/#rrggbb/);
  });
});
