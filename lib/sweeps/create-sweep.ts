import { z } from "zod";
import type { Db } from "../db";
import { AppError } from "../errors";
import { checkExperiment } from "../experiments/check-experiment";
import { newRunData } from "../experiments/create-experiment";
import { enqueueRuns } from "../queue";
import { CreateExperiment } from "../schemas/experiment";
import type { CreateSweep } from "../schemas/sweep";
import { bodyOf, describeCombination, expandSweep, seedsOf, type Combination } from "./expand-sweep";

/**
 * The parameters as a list, so their order (the grid's, the page's axes) survives PostgreSQL's jsonb, which
 * reorders object keys. getSweep turns it back into the request's object.
 */
const storedParameters = (parameters: CreateSweep["parameters"]) => Object.entries(parameters).map(([path, p]) => ({ path, ...p }));

/** One combination's error, naming it: "combination 4 of 12 (pipeline.2…=1.2, seed 7): <what is wrong>". */
function combinationError(c: Combination, index: number, total: number, error: unknown): AppError {
  const name = `combination ${index + 1} of ${total} (${describeCombination(c)})`;
  if (error instanceof z.ZodError) {
    const first = error.issues[0];
    const issues = error.issues.map((i) => ({ path: ["base", ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))], message: i.message, code: i.code, combination: c }));
    return new AppError("bad_request", `${name} is not a valid run — ${first?.path.join(".") || "body"}: ${first?.message ?? "invalid"}`, issues);
  }
  if (error instanceof AppError) {
    const issues = Array.isArray(error.issues) ? error.issues.map((i) => ({ ...(i as object), combination: c })) : [{ path: ["base"], message: error.message, combination: c }];
    return new AppError(error.code, `${name}: ${error.message}`, issues);
  }
  return error as AppError;
}

/**
 * Expands the sweep, validates every combination as POST /api/experiments would (the schema, then the
 * database checks) before anything is written, then writes one experiment, the sweep and its runs, and queues
 * them all in one Redis transaction. The first bad combination is a 400 (422 for a database check) naming it;
 * Redis down removes the rows again (503), like a single run.
 */
export async function createSweep(db: Db, sweep: CreateSweep) {
  const combinations = expandSweep(sweep);
  const inputs: CreateExperiment[] = [];
  for (const [i, c] of combinations.entries()) {
    try {
      const input = CreateExperiment.parse(bodyOf(sweep.base, c));
      // The seed changes nothing the database checks look at: check each combination once, not once per seed.
      if (i === 0 || c.seed === combinations[0].seed) await checkExperiment(db, input);
      inputs.push(input);
    } catch (error) {
      throw combinationError(c, i, combinations.length, error);
    }
  }
  const first = inputs[0];
  const experiment = await db.experiment.create({
    data: { name: first.name, description: first.description, datasetId: first.datasetId, baseArch: first.architecture, tags: first.tags },
  });
  try {
    const created = await db.sweep.create({
      data: { experimentId: experiment.id, method: sweep.method, parameters: storedParameters(sweep.parameters), maxRuns: sweep.maxRuns, seeds: seedsOf(sweep), earlyTermination: sweep.earlyTermination },
    });
    const runIds: string[] = [];
    for (const [i, input] of inputs.entries()) {
      const run = await db.run.create({
        data: { ...newRunData(input), experimentId: experiment.id, sweepId: created.id, sweepValues: combinations[i].values },
        select: { id: true },
      });
      runIds.push(run.id);
    }
    await enqueueRuns(runIds);
    return { sweepId: created.id, experimentId: experiment.id, runIds };
  } catch (error) {
    await db.experiment.delete({ where: { id: experiment.id } }); // cascades to the sweep and its runs
    throw error;
  }
}
