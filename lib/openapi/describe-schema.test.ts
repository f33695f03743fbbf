import { z } from "zod";
import { describe, expect, it } from "vitest";
import { fieldsOf, typeOf } from "./describe-schema";

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input" }) as Record<string, unknown>;

describe("schema summaries for the reference page", () => {
  it("names types, enums, nullables and limits", () => {
    const rows = fieldsOf(
      schema(
        z.object({
          epochs: z.number().int().min(1).max(100).default(1),
          optimizer: z.enum(["adam", "sgd"]),
          note: z.string().max(20).nullable().optional(),
          shape: z.tuple([z.number(), z.number()]),
        }),
      ),
    );
    expect(rows).toEqual([
      { name: "epochs", type: "integer", required: false, notes: "≥ 1, ≤ 100; default 1" },
      { name: "optimizer", type: 'one of "adam" | "sgd"', required: true, notes: "" },
      { name: "note", type: "string or null", required: false, notes: "" },
      { name: "shape", type: "[number, number]", required: true, notes: "" },
    ]);
    expect(typeOf(schema(z.array(z.object({ a: z.string() }))))).toBe("array of object { a }");
  });
});
