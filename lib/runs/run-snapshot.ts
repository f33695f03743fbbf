import { withoutLocation } from "../datasets/public-dataset";
import type { Db } from "../db";
import { getRunOrThrow } from "./get-run";

/** The run as the browser sees it: plain JSON (dates as ISO strings, no server paths: artifacts', dataset's). */
export async function runSnapshot(db: Db, id: string) {
  const run = await getRunOrThrow(db, id);
  const { artifacts, experiment, ...rest } = run;
  const publicRun = { ...rest, experiment: { ...experiment, dataset: withoutLocation(experiment.dataset) }, artifacts: artifacts.map(({ path: _serverPath, ...a }) => a) };
  return JSON.parse(JSON.stringify(publicRun)) as RunSnapshot;
}

type Jsonify<T> = T extends Date ? string : T extends (infer U)[] ? Jsonify<U>[] : T extends object ? { [K in keyof T]: Jsonify<T[K]> } : T;
type Run = Awaited<ReturnType<typeof getRunOrThrow>>;
type RunWithPublicArtifacts = Omit<Run, "artifacts" | "experiment"> & {
  experiment: Omit<Run["experiment"], "dataset"> & { dataset: Omit<Run["experiment"]["dataset"], "location"> };
  artifacts: Omit<Run["artifacts"][number], "path">[];
};
export type RunSnapshot = Jsonify<RunWithPublicArtifacts>;
