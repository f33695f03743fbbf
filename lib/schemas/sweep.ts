// POST /api/sweeps: many runs of one experiment, each the base CreateExperiment body with some fields set.
// The combinations are expanded and validated by lib/sweeps/; this is only the shape of the request.
import { z } from "zod";

/** A sweep never makes more runs than this in one request (each is a training job on a shared machine). */
export const MAX_SWEEP_RUNS = 200;

/** The base body's fields every run of a sweep shares: one experiment holds them, so they cannot vary. */
export const EXPERIMENT_FIELDS = ["name", "description", "datasetId", "architecture", "tags"] as const;
/** Where a swept path may point: the per-run parts of a CreateExperiment body. */
export const SWEEPABLE_ROOTS = ["pipeline", "training", "requirements"] as const;

const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

export const SweepPath = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, "a dotted path into the base body, e.g. pipeline.2.params.schedule.finalSparsity")
  .refine((p) => !p.split(".").some((s) => FORBIDDEN_SEGMENTS.has(s)), "a path segment may not be __proto__, prototype or constructor")
  .refine((p) => p !== "seed", "the seed is swept with the sweep's `seeds` list, not as a parameter")
  .refine((p) => !(EXPERIMENT_FIELDS as readonly string[]).includes(p.split(".")[0]), {
    message: `${EXPERIMENT_FIELDS.join(", ")} belong to the experiment every run of a sweep shares; sweep ${SWEEPABLE_ROOTS.join(", ")}`,
  })
  .refine((p) => (SWEEPABLE_ROOTS as readonly string[]).includes(p.split(".")[0]), `a swept path starts with ${SWEEPABLE_ROOTS.join(", ")}`);

export const SweptValue = z.union([z.number(), z.string().max(200), z.boolean()]);
export type SweptValue = z.infer<typeof SweptValue>;

export const ValuesParameter = z.object({ values: z.array(SweptValue).min(1, "give at least one value").max(100) }).strict();
export const RangeParameter = z
  .object({
    min: z.number(),
    max: z.number(),
    log: z.boolean().default(false).describe("Sample log-uniformly (min must be > 0)"),
  })
  .strict()
  .refine((r) => r.max > r.min, { path: ["max"], message: "max must be greater than min" })
  .refine((r) => !r.log || r.min > 0, { path: ["min"], message: "a log range needs min > 0" });
export const SweepParameter = z.union([ValuesParameter, RangeParameter]);
export type SweepParameter = z.infer<typeof SweepParameter>;

export const EarlyTermination = z
  .object({
    enabled: z.boolean().default(true),
    accuracyMargin: z.number().min(0).max(1).default(0.01)
      .describe("A trial is stopped only when a finished one is at least this much more accurate (a fraction: 0.01 = 1 pp) at the same stage, and no larger and no slower"),
  })
  .strict();
export type EarlyTermination = z.infer<typeof EarlyTermination>;

export const CreateSweep = z
  .object({
    base: z.record(z.string(), z.unknown()).describe("A CreateExperiment body (POST /api/experiments); every run is this body with the swept fields set"),
    method: z.enum(["grid", "random"]).describe("grid: every combination of the values; random: maxRuns / seeds draws (values uniformly, ranges uniformly or log-uniformly)"),
    parameters: z
      .record(SweepPath, SweepParameter)
      .refine((p) => Object.keys(p).length >= 1, "sweep at least one parameter")
      .refine((p) => Object.keys(p).length <= 10, "at most 10 parameters")
      .describe('dotted path into base → { "values": [...] } or { "min", "max", "log" }'),
    maxRuns: z.number().int().min(1).max(MAX_SWEEP_RUNS).describe("Most runs the sweep may make (combinations × seeds)"),
    seeds: z
      .array(z.number().int().min(0).max(2 ** 31 - 1))
      .min(1)
      .max(10)
      .refine((s) => new Set(s).size === s.length, "seeds must be distinct")
      .optional()
      .describe("Each combination runs once per seed (default: the base's seed, or 42)"),
    earlyTermination: EarlyTermination.prefault({}),
  })
  .strict()
  .superRefine((sweep, ctx) => {
    if (sweep.method !== "grid") return;
    for (const [path, p] of Object.entries(sweep.parameters)) {
      if (!("values" in p)) ctx.addIssue({ code: "custom", path: ["parameters", path], message: "a grid sweeps lists of values; a min/max range needs method random" });
    }
  });
export type CreateSweep = z.infer<typeof CreateSweep>;
export type CreateSweepInput = z.input<typeof CreateSweep>;

export const SweepCreated = z.object({ sweepId: z.string(), experimentId: z.string(), runIds: z.array(z.string()) });

export const SweepIdParams = z.object({ id: z.string().min(1).max(64).regex(/^[\w-]+$/, "not a sweep id") });

const MeanSdResponse = z.object({ mean: z.number(), sd: z.number().nullable(), n: z.number().int() }).nullable();

/** One run of a sweep as GET /api/sweeps/{id} lists it: its swept values and its final (shipped) stage. */
export const SweepRunResponse = z.object({
  id: z.string(),
  status: z.string(),
  seed: z.number().int(),
  seedGroup: z.string().nullable(),
  values: z.record(z.string(), SweptValue),
  /** set when the sweep stopped the run early (it is then `cancelled`) */
  stoppedEarly: z.object({ stageIndex: z.number().int(), message: z.string(), bySize: z.string(), byLatency: z.string() }).nullable(),
  /** the last succeeded stage: for a finished run, the model that ships */
  accuracy: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  latencyMs: z.number().nullable(),
  stagesDone: z.number().int(),
  stages: z.number().int(),
});
export type SweepRunResponse = z.infer<typeof SweepRunResponse>;

export const SweepGroupResponse = z.object({
  key: z.string(),
  values: z.record(z.string(), SweptValue),
  runIds: z.array(z.string()),
  accuracy: MeanSdResponse,
  sizeBytes: MeanSdResponse,
  latencyMs: MeanSdResponse,
});
export type SweepGroupResponse = z.infer<typeof SweepGroupResponse>;

export const SweepSnapshot = z.object({
  sweep: z.object({
    id: z.string(),
    experimentId: z.string(),
    name: z.string(),
    method: z.enum(["grid", "random"]),
    parameters: z.record(z.string(), SweepParameter),
    maxRuns: z.number().int(),
    seeds: z.array(z.number().int()),
    earlyTermination: EarlyTermination,
    createdAt: z.string().describe("ISO 8601 time"),
  }),
  runs: z.array(SweepRunResponse),
  /** runs that differ only in seed, with mean ± sd over the succeeded ones */
  groups: z.array(SweepGroupResponse),
  /** the best succeeded run per objective (null until one succeeds) */
  best: z.object({ accuracy: z.string().nullable(), sizeBytes: z.string().nullable(), latencyMs: z.string().nullable() }),
  counts: z.record(z.string(), z.number().int()),
});
export type SweepSnapshot = z.infer<typeof SweepSnapshot>;
