// The runs table's SQL on the real databases (SQLite and PostgreSQL): filters, metric sorts with NULLs last,
// pagination without overlap, facets, scatter points and the CSV export.
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getStages } from "../../app/api/stages/route";
import { seedUi } from "../../scripts/seed-ui";
import { db } from "../db";
import { exportRuns, runsToCsv, streamRunsExport } from "./export-runs";
import { GET as getRuns } from "../../app/api/runs/route";
import { findRunIds, listRuns, runFacets, runRowsByIds } from "./list-runs";
import { forgetViewResults } from "./view-cache";
import { listStagePoints } from "./list-stage-points";
import { allPoints } from "./stage-points";
import { refreshRunSummary } from "./run-summary";
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
    // The seed includes NAS candidates (child runs), which the table leaves to their parent's page.
    const all = await db().run.findMany({ where: { experiment: { name: { contains: "fmnist" } }, id: { startsWith: "seedrun" }, parentRunId: null }, select: { id: true } });
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

  it("reads a page's rows in raw SQL exactly as Prisma's nested findMany reads them (RunRow's shape)", async () => {
    const ids = (await db().run.findMany({ where: { parentRunId: null }, select: { id: true }, orderBy: { id: "asc" }, take: 40 })).map((r) => r.id);
    // the values a seed may lack: a verdict of each kind, a progress object, an error
    await db().run.update({ where: { id: ids[0] }, data: { meetsRequirements: true, shipStageIndex: 2, progress: { stageIndex: 1, epoch: 3, note: "ü" }, error: "boom" } });
    await db().run.update({ where: { id: ids[1] }, data: { meetsRequirements: false, shipStageIndex: null } });
    const asked = [ids[5], "no-such-run", ...ids.slice().reverse()];
    const reference = await db().run.findMany({
      where: { id: { in: asked } },
      select: {
        id: true, status: true, progress: true, backend: true, seed: true, queuedAt: true, startedAt: true, finishedAt: true, error: true,
        meetsRequirements: true, shipStageIndex: true, bestAccuracy: true, finalLatencyMs: true, finalSizeBytes: true,
        experiment: { select: { id: true, name: true, baseArch: true, datasetId: true, tags: true } },
        stages: {
          orderBy: { index: "asc" },
          select: { index: true, technique: true, status: true, accuracy: true, latencyP50Ms: true, latencyP95Ms: true, sizeBytes: true, gzipBytes: true, macs: true, sparsity: true, paramCount: true },
        },
      },
    });
    const byId = new Map(reference.map((r) => [r.id, r]));
    const expected = asked.flatMap((id) => {
      const r = byId.get(id);
      return r ? [{ ...r, tags: r.experiment.tags as string[], pipelineSummary: r.stages.map((s) => s.technique).join(" → ") }] : [];
    });
    const rows = await runRowsByIds(db(), asked);
    expect(rows.some((r) => r.stages.some((s) => s.sizeBytes != null)) && rows.some((r) => r.finishedAt != null)).toBe(true);
    expect(rows).toHaveLength(asked.length - 1); // the unknown id is left out, a repeated one repeated
    // the same values, types and key order (JSON.stringify compares all three)
    expect(JSON.stringify(rows)).toBe(JSON.stringify(expected));
    expect(rows).toEqual(expected);
  });

  it("finds runs by name through the name index exactly as the plain LIKE does, after inserts, renames and deletes", async () => {
    // a match, by definition: the lower-cased name contains the lower-cased text, wildcards and all, literally
    const byLike = async (text: string) =>
      (await db().run.findMany({ where: { parentRunId: null }, select: { id: true, nameKey: true } })).filter((r) => r.nameKey.includes(text.toLowerCase())).map((r) => r.id).sort();
    const byView = async (text: string, sort = "started") => {
      const ids: string[] = [];
      for (let page = 1; ; page++) {
        const r = await listRuns(db(), q({ q: text, sort, pageSize: "100", page: String(page) }));
        ids.push(...r.rows.map((x) => x.id));
        if (page >= r.pages) return ids.sort();
      }
    };
    const run = await db().run.findFirstOrThrow({ where: { parentRunId: null, id: { startsWith: "seedrun" } }, select: { id: true, nameKey: true } });
    // a rare text (one run: the name index), a common one (the walk), a short one and one with a wildcard
    await db().run.update({ where: { id: run.id }, data: { nameKey: "zqx-unique-namé-0001" } });
    for (const text of ["zqx-unique-namé", "QX-UNI", "fmnist", "mobilenet", "zq", "e_c", "t-b", "nam"]) {
      forgetViewResults(db());
      expect(await byView(text), text).toEqual(await byLike(text));
    }
    expect(await byView("zqx-unique", "size")).toEqual([run.id]);
    // renamed away: the index must have followed the update
    await db().run.update({ where: { id: run.id }, data: { nameKey: run.nameKey } });
    forgetViewResults(db());
    expect(await byView("zqx-unique")).toEqual([]);
    // a new run and then its deletion
    const created = await db().run.create({
      data: { id: "namesearch-new", experimentId: (await db().experiment.findFirstOrThrow()).id, status: "queued", pipeline: [], training: {}, requirements: {}, seed: 1, nameKey: "brand-new-zqx-run" },
    });
    forgetViewResults(db());
    expect(await byView("new-zqx")).toEqual([created.id]);
    await db().run.delete({ where: { id: created.id } });
    forgetViewResults(db());
    expect(await byView("new-zqx")).toEqual([]);
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

  it("GET /api/runs sends the page as JSON, serialised once per data version and again after a write", async () => {
    const url = "http://lab.test/api/runs?sort=accuracy&pageSize=25";
    const get = async () => {
      const res = await getRuns(new Request(url));
      expect(res.headers.get("content-type")).toBe("application/json");
      return res.json();
    };
    const first = await get();
    expect(first).toEqual(JSON.parse(JSON.stringify(await listRuns(db(), q({ sort: "accuracy", pageSize: "25" })))));
    expect(await get()).toEqual(first); // the cached bytes, not emptied by the first response
    const [top] = first.rows as { id: string; experiment: { id: string; name: string } }[];
    await db().experiment.update({ where: { id: top.experiment.id }, data: { name: `${top.experiment.name} renamed` } });
    const after = await get();
    expect(after.rows[0].experiment.name).toBe(`${top.experiment.name} renamed`);
  });

  it("offers facets, scatter points and a CSV of the same view", async () => {
    const f = await runFacets(db());
    expect(f.techniques).toEqual(expect.arrayContaining(["baseline", "prune", "quantize"]));
    expect(f.tags).toEqual(expect.arrayContaining(["seed", "mobile"]));
    const view = q({ technique: "cluster" });
    const pts = allPoints(await listStagePoints(db(), { query: view }));
    expect(pts.length).toBeGreaterThan(0);
    expect(pts.every((p) => p.accuracy > 0)).toBe(true);
    // every measured stage of every matching top-level run, no run cap; a limit is said, not hidden
    const measured = await db().stage.count({ where: { status: "succeeded", accuracy: { not: null }, run: { parentRunId: null, techniques: { contains: ",cluster," } } } });
    expect(pts).toHaveLength(measured);
    const capped = await listStagePoints(db(), { query: q({}) }, 10);
    expect(capped).toMatchObject({ points: 10, limit: 10, matching: await db().run.count({ where: { parentRunId: null } }) });
    expect(capped.columns.accuracy).toHaveLength(10);
    const { rows, total } = await exportRuns(db(), view);
    expect(rows).toHaveLength(total);
    expect(runsToCsv(rows).trim().split("\r\n")).toHaveLength(total + 1);
  });

  it("answers GET /api/stages?encoding=gzip with the same JSON gzipped, for a view and for named runs", async () => {
    const named = (await listRuns(db(), q({ pageSize: "25", status: "succeeded" }))).rows.slice(0, 3).map((r) => r.id).join(",");
    for (const qs of ["technique=cluster", "", `runs=${named}`]) {
      const plain = await getStages(new Request(`http://lab.test/api/stages?${qs}`));
      const zipped = await getStages(new Request(`http://lab.test/api/stages?${qs}&encoding=gzip`));
      expect([plain.status, zipped.status]).toEqual([200, 200]);
      expect(plain.headers.get("content-type")).toBe("application/json");
      expect(zipped.headers.get("content-type")).toBe("application/gzip");
      const json = Buffer.from(await plain.arrayBuffer());
      const gz = Buffer.from(await zipped.arrayBuffer());
      expect(gz.length).toBeLessThan(json.length);
      expect(gunzipSync(gz).equals(json)).toBe(true);
      expect((JSON.parse(json.toString()) as { points: number }).points).toBeGreaterThan(0);
    }
    expect((await getStages(new Request("http://lab.test/api/stages?encoding=br"))).status).toBe(400);
  });
});

describe("listRuns at the edges of the summary columns", () => {
  beforeAll(async () => {
    await seedUi(process.env.DATABASE_URL!, { runs: 90, log: () => {} });
  }, 120_000);
  afterAll(async () => {
    await db().$disconnect();
  });

  it("pages a metric sort across the boundary between runs with and without the metric, each run once", async () => {
    await seedUi(process.env.DATABASE_URL!, { runs: 90, log: () => {} });
    // Pages of 3, so some pages lie wholly among the runs without a size and one straddles the boundary.
    const topLevel = await db().run.count({ where: { parentRunId: null } });
    const ids: string[] = [];
    for (let skip = 0; skip < topLevel + 3; skip += 3) ids.push(...(await findRunIds(db(), q({ sort: "size", dir: "asc" }), { take: 3, skip })).ids);
    expect(ids).toHaveLength(topLevel);
    expect(new Set(ids).size).toBe(topLevel);
    const seen = (await runRowsByIds(db(), ids)).map((r) => r.finalSizeBytes);
    const firstNull = seen.indexOf(null);
    expect(firstNull).toBeGreaterThan(0);
    expect(seen.slice(firstNull).every((v) => v == null)).toBe(true);
  });

  it("walks every sort both ways with cursors (keyset) exactly as with page numbers, across the runs without the metric", async () => {
    const total = await db().run.count({ where: { parentRunId: null } });
    expect(total).toBeGreaterThan(50);
    for (const sort of ["started", "name", "status", "accuracy", "latency", "size"]) {
      for (const dir of ["asc", "desc"]) {
        const byPage: string[] = [];
        const byCursor: string[] = [];
        let after: string | null = null;
        for (let page = 1; page <= Math.ceil(total / 25); page++) {
          byPage.push(...(await listRuns(db(), q({ sort, dir, page: String(page), pageSize: "25" }))).rows.map((r) => r.id));
          // the cursor page also carries a wrong page number's worth of OFFSET: the cursor must win
          const r = await listRuns(db(), q({ sort, dir, page: String(page), pageSize: "25", ...(after ? { after } : {}) }));
          byCursor.push(...r.rows.map((x) => x.id));
          after = r.nextCursor;
          if (page < Math.ceil(total / 25)) expect(after, `${sort} ${dir} page ${page}`).not.toBeNull();
        }
        expect(after).toBeNull();
        expect(byPage).toHaveLength(total);
        expect(new Set(byPage).size).toBe(total);
        expect(byCursor, `${sort} ${dir}`).toEqual(byPage);
      }
    }
  });

  it("keeps a run's summary columns in step with its stages (refreshRunSummary)", async () => {
    const run = await db().run.findFirstOrThrow({ where: { id: { startsWith: "seedrun" }, status: "queued" }, include: { stages: true } });
    expect(run.bestAccuracy).toBeNull();
    await db().stage.update({ where: { runId_index: { runId: run.id, index: 0 } }, data: { status: "succeeded", accuracy: 0.5, latencyP50Ms: 1.5, sizeBytes: 1234 } });
    await refreshRunSummary(db(), run.id);
    const after = await db().run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after).toMatchObject({ bestAccuracy: 0.5, finalLatencyMs: 1.5, finalSizeBytes: 1234 });
    const bySize = await listRuns(db(), q({ sort: "size", dir: "asc", pageSize: "25" }));
    expect(bySize.rows[0].id).toBe(run.id);
  });
});

describe("streamRunsExport", () => {
  afterAll(async () => {
    await db().$disconnect();
  });

  it("streams every run of the view as CSV and as JSON, in the view's order", async () => {
    await seedUi(process.env.DATABASE_URL!, { runs: 90, log: () => {} });
    const view = q({ sort: "accuracy" });
    const { rows } = await exportRuns(db(), view);
    const topLevel = await db().run.count({ where: { parentRunId: null } });
    expect(rows).toHaveLength(topLevel);
    const csv = await new Response(await streamRunsExport(db(), view, "csv")).text();
    const lines = csv.trim().split("\r\n");
    expect(lines).toHaveLength(topLevel + 1);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(rows.map((r) => r.id));
    const json = JSON.parse(await new Response(await streamRunsExport(db(), view, "json")).text());
    expect(json.total).toBe(topLevel);
    expect(json.runs.map((r: { run_id: string }) => r.run_id)).toEqual(rows.map((r) => r.id));
  });
});
