// The runs table's filters: a plain GET form, so it works before (and without) JavaScript and the URL
// carries the view. Changing a filter starts again at page 1.
import Link from "next/link";
import type { RunQuery } from "@/lib/runs/run-query";
import { RunStatus } from "@/lib/schemas/run";

interface Facets {
  datasets: { id: string; name: string }[];
  techniques: string[];
  tags: string[];
}

export function RunsFilters({ query, facets }: { query: RunQuery; facets: Facets }) {
  const active = Boolean(query.q || query.status || query.technique || query.dataset || query.tag);
  return (
    <form className="filters panel" method="get" action="/" role="search" aria-label="Filter runs">
      <div className="field">
        <label htmlFor="f-q">Search</label>
        <input id="f-q" name="q" type="search" defaultValue={query.q ?? ""} placeholder="experiment name" />
      </div>
      <div className="field">
        <label htmlFor="f-status">Status</label>
        <select id="f-status" name="status" defaultValue={query.status ?? ""}>
          <option value="">any</option>
          {RunStatus.options.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-technique">Technique</label>
        <select id="f-technique" name="technique" defaultValue={query.technique ?? ""}>
          <option value="">any</option>
          {facets.techniques.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-dataset">Dataset</label>
        <select id="f-dataset" name="dataset" defaultValue={query.dataset ?? ""}>
          <option value="">any</option>
          {facets.datasets.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-tag">Tag</label>
        <select id="f-tag" name="tag" defaultValue={query.tag ?? ""}>
          <option value="">any</option>
          {facets.tags.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </div>
      {query.sort !== "started" ? <input type="hidden" name="sort" value={query.sort} /> : null}
      {query.dir !== "desc" ? <input type="hidden" name="dir" value={query.dir} /> : null}
      {query.pageSize !== 50 ? <input type="hidden" name="pageSize" value={query.pageSize} /> : null}
      <div className="filter-actions">
        <button className="button" type="submit">Apply</button>
        {active ? <Link className="button secondary" href="/">Clear</Link> : null}
      </div>
    </form>
  );
}
