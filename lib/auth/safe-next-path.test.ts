import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next-path";

describe("safeNextPath", () => {
  it.each([
    ["/runs/abc?x=1#top", "/runs/abc?x=1#top"],
    ["/", "/"],
    ["/compare?ids=a,b", "/compare?ids=a,b"],
    ["/runs/../compare", "/compare"],
  ])("keeps our own path %s", (input, expected) => expect(safeNextPath(input)).toBe(expected));

  it.each([
    undefined,
    "",
    "runs",
    "https://evil.example/x",
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/x/..//evil.example",
    "/..//evil.example",
    "/./%2e%2e//evil.example",
    "javascript:alert(1)",
    "/%0a/evil.example".replace("%0a", "\n"),
    " /evil",
    ["/runs"],
  ])("sends %j home instead", (input) => expect(safeNextPath(input)).toBe("/"));
});
