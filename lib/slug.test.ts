import { describe, expect, it } from "vitest";
import { slugify } from "./slug";

describe("slugify", () => {
  it("keeps ASCII words, drops accents, joins with single dashes and trims them", () => {
    expect(slugify("  Fashion MNIST (small)  ")).toBe("fashion-mnist-small");
    expect(slugify("Café Noël")).toBe("cafe-noel");
    expect(slugify("a__b--c")).toBe("a-b-c");
  });

  it("is at most 60 characters and empty when nothing is left", () => {
    expect(slugify("x".repeat(100))).toHaveLength(60);
    expect(slugify("日本 !!")).toBe("");
  });
});
