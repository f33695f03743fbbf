// The scatter's points as columns: one array per measure, each point an index into them, and the runs and
// techniques named once; only what the chart plots or its hover shows, rounded to what a chart can show
// (accuracy to 0.01 pp, times and sizes to 4 significant digits). 100,000 points are then about 4 MB of JSON
// (under 1 MB gzipped) the browser parses in tens of milliseconds, where as many objects would be 10 MB.
// Pure: the browser imports it.

export interface StagePoint {
  runId: string;
  runName: string;
  stageIndex: number;
  technique: string;
  accuracy: number;
  latencyP50Ms: number | null;
  sizeBytes: number | null;
  macs: number | null;
}

export interface StagePoints {
  /** the runs the points belong to, and their experiments' names (same order) */
  runIds: string[];
  runNames: string[];
  techniques: string[];
  /** point i: run runIds[run[i]], stage stageIndex[i], technique techniques[technique[i]] … */
  columns: {
    run: number[];
    stageIndex: number[];
    technique: number[];
    accuracy: number[];
    latencyP50Ms: (number | null)[];
    sizeBytes: (number | null)[];
    macs: (number | null)[];
  };
  /** points sent (every measured stage of the view, up to `limit`) */
  points: number;
  /** the most points one answer carries; when reached, the newest runs' stages are the ones sent */
  limit: number;
  /** runs with points sent, and runs that match the view */
  runs: number;
  matching: number;
}

export function pointAt(p: StagePoints, i: number): StagePoint {
  const c = p.columns;
  return {
    runId: p.runIds[c.run[i]], runName: p.runNames[c.run[i]], stageIndex: c.stageIndex[i], technique: p.techniques[c.technique[i]], accuracy: c.accuracy[i],
    latencyP50Ms: c.latencyP50Ms[i], sizeBytes: c.sizeBytes[i], macs: c.macs[i],
  };
}

/** Every point as an object (tests, small views). */
export const allPoints = (p: StagePoints): StagePoint[] => Array.from({ length: p.points }, (_, i) => pointAt(p, i));

const significant = (v: number | null) => (v == null || v === 0 ? v : Number(v.toPrecision(4)));

/** Builds the columns from point objects (the database's rows come in this shape). */
export function toColumns(rows: StagePoint[], meta: { limit: number; matching: number }): StagePoints {
  const runIndex = new Map<string, number>();
  const techIndex = new Map<string, number>();
  const out: StagePoints = {
    runIds: [], runNames: [], techniques: [],
    columns: { run: [], stageIndex: [], technique: [], accuracy: [], latencyP50Ms: [], sizeBytes: [], macs: [] },
    points: rows.length, limit: meta.limit, runs: 0, matching: meta.matching,
  };
  const c = out.columns;
  for (const r of rows) {
    let ri = runIndex.get(r.runId);
    if (ri == null) {
      runIndex.set(r.runId, (ri = out.runIds.length));
      out.runIds.push(r.runId);
      out.runNames.push(r.runName);
    }
    let ti = techIndex.get(r.technique);
    if (ti == null) {
      techIndex.set(r.technique, (ti = out.techniques.length));
      out.techniques.push(r.technique);
    }
    c.run.push(ri);
    c.stageIndex.push(r.stageIndex);
    c.technique.push(ti);
    c.accuracy.push(Math.round(r.accuracy * 10_000) / 10_000);
    c.latencyP50Ms.push(significant(r.latencyP50Ms));
    c.sizeBytes.push(r.sizeBytes);
    c.macs.push(significant(r.macs));
  }
  out.runs = out.runIds.length;
  return out;
}
