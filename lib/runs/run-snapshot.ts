import type { Db } from "../db";
import { getRunOrThrow } from "./get-run";

/** The run as the browser sees it: plain JSON (dates as ISO strings, no server paths). */
export async function runSnapshot(db: Db, id: string) {
  const run = await getRunOrThrow(db, id);
  const { artifacts, ...rest } = run;
  return JSON.parse(JSON.stringify({ ...rest, artifacts: artifacts.map(({ path: _serverPath, ...a }) => a) })) as RunSnapshot;
}

type Jsonify<T> = T extends Date ? string : T extends (infer U)[] ? Jsonify<U>[] : T extends object ? { [K in keyof T]: Jsonify<T[K]> } : T;
type RunWithPublicArtifacts = Omit<Awaited<ReturnType<typeof getRunOrThrow>>, "artifacts"> & {
  artifacts: Omit<Awaited<ReturnType<typeof getRunOrThrow>>["artifacts"][number], "path">[];
};
export type RunSnapshot = Jsonify<RunWithPublicArtifacts>;
