// What changes in a run while it goes, as small messages the worker pushes (lib/runs/publish-run-delta.ts) and
// the run page folds into the snapshot it got on connect. Each delta replaces what it names (the run's own
// columns, one stage with its artifacts, a batch of metric points keyed by stage, name and step), so a delta
// seen twice — or one that raced the snapshot — leaves the same page. Pure: the browser imports it.
import type { RunSnapshot } from "./run-snapshot";

type Stage = RunSnapshot["stages"][number];
type Artifact = RunSnapshot["artifacts"][number];
type Metric = RunSnapshot["metrics"][number];
type Child = RunSnapshot["children"][number];
/** The run's own columns: everything in the snapshot but its relations. */
export type RunColumns = Omit<RunSnapshot, "experiment" | "stages" | "artifacts" | "metrics" | "children">;

export type RunDelta =
  | { type: "status"; run: RunColumns }
  /** A stage changed status or was measured; its artifacts and (a NAS stage's) candidate runs come along. */
  | { type: "stage"; stage: Stage; artifacts: Artifact[]; children?: Child[] }
  | { type: "metrics"; metrics: Metric[] };

/** The SSE event name of each delta (the snapshot is `run`, the worker's progress `progress`). */
export const DELTA_EVENTS = ["status", "stage", "metrics"] as const satisfies readonly RunDelta["type"][];

const metricKey = (m: Pick<Metric, "stageIndex" | "name" | "step">) => `${m.stageIndex}\u0000${m.name}\u0000${m.step}`;

export function applyRunDelta(run: RunSnapshot, delta: RunDelta): RunSnapshot {
  switch (delta.type) {
    case "status":
      return { ...run, ...delta.run };
    case "stage": {
      const stages = [...run.stages.filter((s) => s.index !== delta.stage.index), delta.stage].sort((a, b) => a.index - b.index);
      const artifacts = [...run.artifacts.filter((a) => a.stageIndex !== delta.stage.index), ...delta.artifacts].sort(
        (a, b) => a.stageIndex - b.stageIndex || a.kind.localeCompare(b.kind),
      );
      return { ...run, stages, artifacts, ...(delta.children ? { children: delta.children } : {}) };
    }
    case "metrics": {
      const byKey = new Map(run.metrics.map((m) => [metricKey(m), m]));
      for (const m of delta.metrics) byKey.set(metricKey(m), m);
      const metrics = [...byKey.values()].sort((a, b) => a.stageIndex - b.stageIndex || a.step - b.step || a.id - b.id);
      return { ...run, metrics };
    }
  }
}
