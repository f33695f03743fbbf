// Home: the runs table (server-rendered, filtered/sorted/paginated in the database; the URL is the view)
// and the latency-vs-accuracy scatter of the stages in view (a client chart that fetches its points).
import Link from "next/link";
import { db } from "@/lib/db";
import { listRuns, runFacets } from "@/lib/runs/list-runs";
import { parseRunQueryLenient, runQueryString } from "@/lib/runs/run-query";
import { RunsFilters } from "./_components/runs-filters";
import { Pagination, RunsTable } from "./_components/runs-table";
import { StageScatter } from "./_components/stage-scatter";

export const dynamic = "force-dynamic";

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { query, dropped } = parseRunQueryLenient(await searchParams);
  const [list, facets] = await Promise.all([listRuns(db(), query), runFacets(db())]);
  const filters = runQueryString({ ...query, sort: "started", dir: "desc", page: 1, pageSize: 50 });
  const exportQs = runQueryString(query, { page: 1, pageSize: 50 });
  const sep = exportQs ? "&" : "?";
  return (
    <>
      <div className="row">
        <h1>Runs</h1>
        <span className="spacer" />
        <a className="button secondary" href={`/api/runs/export${exportQs}${sep}format=csv`} download data-testid="export-csv">Export CSV</a>
        <a className="button secondary" href={`/api/runs/export${exportQs}${sep}format=json`} download>Export JSON</a>
        <Link className="button" href="/experiments/new">New experiment</Link>
      </div>
      {dropped.length ? <div className="alert warn">Ignored invalid URL parameter{dropped.length > 1 ? "s" : ""}: {dropped.join(", ")}</div> : null}
      <RunsFilters query={query} facets={facets} />
      <section className="panel" aria-label="Latency vs accuracy">
        <StageScatter apiQuery={filters} />
      </section>
      {list.total === 0 ? (
        <div className="panel muted" style={{ marginTop: 16 }}>
          {filters ? <>No runs match these filters. <Link href="/">Clear them</Link>.</> : <>No runs yet. Start one from <Link href="/experiments/new">New experiment</Link>.</>}
        </div>
      ) : (
        <form method="get" action="/compare" className="runs-form">
          <div className="row table-actions">
            <span className="muted">Tick 2–10 runs to compare them.</span>
            <span className="spacer" />
            <button className="button secondary" type="submit" data-testid="compare-selected">Compare selected</button>
          </div>
          <div className="table-scroll">
            <RunsTable list={list} query={query} />
          </div>
          <Pagination list={list} query={query} />
        </form>
      )}
    </>
  );
}
