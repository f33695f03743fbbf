// The runs table's SQL on the real databases (SQLite and PostgreSQL): filters, metric sorts with NULLs last,
// pagination without overlap, facets, scatter points and the CSV export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUi } from "../../scripts/seed-ui";
import { db } from "../db";
import { exportRuns, runsToCsv } from "./export-runs";
import { listRuns, runFacets } from "./list-runs";
import { listStagePoints } from "./list-stage-points";
import { parseRunQuery } from "./run-query";

const q = (p: Record<string, string>) => parseRunQuery(p);

describe("listRuns", () => {
  beforeAll(async () => {
    await seedUi(process.env.DATABASE_URL!, { runs: 90, log: () => {} });
  }, 120_000);
  afterAll(async () => {
    await db().$disconnect();
  });

  it("pages through every seeded run once, newest first", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const r = await listRuns(db(), q({ page: String(page), pageSize: "25", q: "fmnist" }));
      seen.push(...r.rows.map((x) => x.id));
    }
    const all = await db().run.findMany({ where: { experiment: { name: { contains: "fmnist" } }, id: { startsWith: "seedrun" } }, select: { id: true } });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(all.map((r) => r.id).sort());
  });

  it("sorts by best accuracy with runs lacking one last, in both directions", async () => {
    for (const dir of ["desc", "asc"] as const) {
      const r = await listRuns(db(), q({ sort: "accuracy", dir, pageSize: "100" }));
      const values = r.rows.map((x) => x.bestAccuracy);
      const firstNull = values.indexOf(null);
      expect(values.slice(firstNull >= 0 ? firstNull : values.length).every((v) => v == null)).toBe(true);
      const numbers = values.filter((v): v is number => v != null);
      expect(numbers).toEqual([...numbers].sort((a, b) => (dir === "asc" ? a - b : b - a)));
    }
  });

  it("filters by status, technique, dataset, tag and name", async () => {
    const byTech = await listRuns(db(), q({ technique: "nas", pageSize: "100" }));
    expect(byTech.total).toBeGreaterThan(0);
    expect(byTech.rows.every((r) => r.stages.some((s) => s.technique === "nas"))).toBe(true);
    const byTag = await listRuns(db(), q({ tag: "mobile", pageSize: "100" }));
    expect(byTag.rows.every((r) => r.tags.includes("mobile"))).toBe(true);
    const failed = await listRuns(db(), q({ status: "failed", dataset: "fashion-mnist", q: "SEQUENTIAL" }));
    expect(failed.rows.every((r) => r.status === "failed" && r.experiment.datasetId === "fashion-mnist" && r.experiment.name.startsWith("sequential"))).toBe(true);
    const none = await listRuns(db(), q({ q: "100%_no_match" }));
    expect(none.total).toBe(0);
  });

  it("filters by the stored verdict (meets requirements: yes / no / any)", async () => {
    const ids = (await db().run.findMany({ where: { id: { startsWith: "seedrun" }, parentRunId: null }, select: { id: true }, orderBy: { id: "asc" }, take: 3 })).map((r) => r.id);
    await db().run.updateMany({ data: { meetsRequirements: null } }); // runs other test files left in this database too
    await db().run.update({ where: { id: ids[0] }, data: { meetsRequirements: true, shipStageIndex: 1 } });
    await db().run.updateMany({ where: { id: { in: ids.slice(1) } }, data: { meetsRequirements: false } });
    const yes = await listRuns(db(), q({ meets: "yes", pageSize: "100" }));
    expect(yes.rows.map((r) => [r.id, r.meetsRequirements, r.shipStageIndex])).toEqual([[ids[0], true, 1]]);
    const no = await listRuns(db(), q({ meets: "no", pageSize: "100" }));
    expect(no.rows.map((r) => r.id).sort()).toEqual(ids.slice(1).sort());
    const any = await listRuns(db(), q({ pageSize: "25" }));
    expect(any.total).toBeGreaterThan(yes.total + no.total);
    expect(runsToCsv(yes.rows)).toMatch(/meets_requirements,ship_stage/);
  });

  it("offers facets, scatter points and a CSV of the same view", async () => {
    const f = await runFacets(db());
    expect(f.techniques).toEqual(expect.arrayContaining(["baseline", "prune", "quantize"]));
    expect(f.tags).toEqual(expect.arrayContaining(["seed", "mobile"]));
    const view = q({ technique: "cluster" });
    const pts = await listStagePoints(db(), { query: view });
    expect(pts.points.length).toBeGreaterThan(0);
    expect(pts.points.every((p) => p.accuracy > 0)).toBe(true);
    const { rows, total } = await exportRuns(db(), view);
    expect(rows).toHaveLength(total);
    expect(runsToCsv(rows).trim().split("\r\n")).toHaveLength(total + 1);
  });
});
