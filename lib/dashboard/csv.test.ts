import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv";

describe("csvCell", () => {
  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("plain")).toBe("plain");
  });
  it("writes numbers as numbers, empty for null and non-finite", () => {
    expect(csvCell(-0.25)).toBe("-0.25");
    expect(csvCell(1e21)).toBe("1e+21");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(NaN)).toBe("");
    expect(csvCell(false)).toBe("false");
  });
  it("defuses spreadsheet formulas in text cells", () => {
    expect(csvCell("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(csvCell("-1+2")).toBe("'-1+2");
    expect(csvCell("@cmd")).toBe("'@cmd");
  });
});

describe("toCsv", () => {
  it("writes a header and CRLF-terminated rows", () => {
    const csv = toCsv([{ header: "name", value: (r: { n: string; a: number | null }) => r.n }, { header: "top-1", value: (r) => r.a }], [
      { n: "run, one", a: 0.9 },
      { n: "run 2", a: null },
    ]);
    expect(csv).toBe('name,top-1\r\n"run, one",0.9\r\nrun 2,\r\n');
  });
});
