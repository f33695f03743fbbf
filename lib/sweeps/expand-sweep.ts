// A sweep's combinations, pure: the grid's cartesian product or seeded random draws, each crossed with every
// seed, and how one is applied to the base body (a dotted path set in a copy). No database, no validation of the
// resulting bodies — create-sweep.ts validates each one exactly as a single run is.
import { AppError } from "../errors";
import { seededRandom } from "../ml/random";
import type { CreateSweep, SweepParameter, SweptValue } from "../schemas/sweep";

/** One run of a sweep: the swept values (path → value) and the seed. */
export interface Combination {
  values: Record<string, SweptValue>;
  seed: number;
}

/** The seeds a sweep runs each combination with: its own list, else the base's seed, else 42 (the schema's default). */
export function seedsOf(sweep: Pick<CreateSweep, "seeds" | "base">): number[] {
  if (sweep.seeds) return sweep.seeds;
  const seed = sweep.base.seed;
  return [typeof seed === "number" ? seed : 42];
}

function grid(parameters: Record<string, SweepParameter>): Record<string, SweptValue>[] {
  let combos: Record<string, SweptValue>[] = [{}];
  for (const [path, p] of Object.entries(parameters)) {
    if (!("values" in p)) throw new AppError("bad_request", `a grid sweeps lists of values; ${path} is a range (use method random)`);
    combos = combos.flatMap((c) => p.values.map((v) => ({ ...c, [path]: v })));
  }
  return combos;
}

function draw(p: SweepParameter, random: () => number): SweptValue {
  if ("values" in p) return p.values[Math.floor(random() * p.values.length)];
  const u = random();
  return p.log ? Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min))) : p.min + u * (p.max - p.min);
}

/**
 * `count` draws, reproducible from `seed`. Draws that repeat an earlier one are drawn again (a few times), so a
 * small list of values does not make identical runs; when the space is smaller than `count` fewer come back.
 */
function random(parameters: Record<string, SweepParameter>, count: number, seed: number): Record<string, SweptValue>[] {
  const rng = seededRandom(seed ^ 0x5eed5eed);
  const seen = new Set<string>();
  const combos: Record<string, SweptValue>[] = [];
  for (let attempt = 0; combos.length < count && attempt < count * 20; attempt++) {
    const combo = Object.fromEntries(Object.entries(parameters).map(([path, p]) => [path, draw(p, rng)]));
    const key = JSON.stringify(combo);
    if (seen.has(key)) continue;
    seen.add(key);
    combos.push(combo);
  }
  return combos;
}

/**
 * Every run of the sweep, combination-major (the seeds of one combination are adjacent). A grid larger than
 * maxRuns is refused with the count, not cut; a random sweep draws floor(maxRuns / seeds) combinations.
 */
export function expandSweep(sweep: Pick<CreateSweep, "method" | "parameters" | "maxRuns" | "seeds" | "base">): Combination[] {
  const seeds = seedsOf(sweep);
  let combos: Record<string, SweptValue>[];
  if (sweep.method === "grid") {
    combos = grid(sweep.parameters);
    const runs = combos.length * seeds.length;
    if (runs > sweep.maxRuns) {
      throw new AppError("bad_request", `the grid has ${combos.length} combinations × ${seeds.length} seed${seeds.length === 1 ? "" : "s"} = ${runs} runs, more than maxRuns ${sweep.maxRuns}; raise maxRuns or sweep fewer values`, [
        { path: ["maxRuns"], message: `the grid needs ${runs} runs` },
      ]);
    }
  } else {
    const count = Math.floor(sweep.maxRuns / seeds.length);
    if (count < 1) {
      throw new AppError("bad_request", `maxRuns ${sweep.maxRuns} is fewer than the ${seeds.length} seeds: every combination runs once per seed`, [{ path: ["maxRuns"], message: "fewer than the seeds" }]);
    }
    combos = random(sweep.parameters, count, seeds[0]);
  }
  return combos.flatMap((values) => seeds.map((seed) => ({ values, seed })));
}

/** "pipeline.2.params.schedule.finalSparsity=0.5, seed 7": how an error names a combination. */
export function describeCombination(c: Combination): string {
  const values = Object.entries(c.values).map(([path, v]) => `${path}=${JSON.stringify(v)}`);
  return [...values, `seed ${c.seed}`].join(", ");
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A deep copy of `base` with `path` set to `value`. A numeric segment indexes an existing array element (a
 * sweep cannot add pipeline stages); a missing object key along the way is created, so a path may reach a
 * field the base leaves to its default (pipeline.1.params.schedule.finalSparsity with no schedule given).
 */
export function setPath(base: Record<string, unknown>, path: string, value: SweptValue): Record<string, unknown> {
  const copy = structuredClone(base);
  const segments = path.split(".");
  let node: unknown = copy;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const where = segments.slice(0, i + 1).join(".");
    if (Array.isArray(node)) {
      const index = /^\d+$/.test(segment) ? Number(segment) : NaN;
      if (!(index < node.length)) throw new AppError("bad_request", `${path}: the base has no ${where} (${Number.isNaN(index) ? "an array needs an index" : `it has ${node.length} element${node.length === 1 ? "" : "s"}`})`, [{ path: ["parameters", path], message: `no ${where} in the base` }]);
      if (last) node[index] = value;
      else node = node[index] ??= {};
    } else if (isObject(node)) {
      if (last) node[segment] = value;
      else {
        if (node[segment] === undefined) node[segment] = {};
        node = node[segment];
      }
    } else {
      throw new AppError("bad_request", `${path}: ${segments.slice(0, i).join(".")} in the base is ${JSON.stringify(node)}, not an object or array`, [{ path: ["parameters", path], message: "the path goes through a value" }]);
    }
  }
  return copy;
}

/** The base body of one run: every swept value set, and the seed. */
export function bodyOf(base: Record<string, unknown>, c: Combination): Record<string, unknown> {
  let body = base;
  for (const [path, value] of Object.entries(c.values)) body = setPath(body, path, value);
  return { ...body, seed: c.seed };
}
