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
  const active = Boolean(query.q || query.status || query.technique || query.dataset || query.tag || query.meets);
  return (
    <form className="filters panel" method="get" action="/" role="search" aria-label="Filter runs">
      <div className="field">
        <label htmlFor="f-q">Search</label>
        <input id="f-q" name="q" type="search" defaultValue={query.q ?? ""} placeholder="experiment name" />
      </div>
      <FilterSelect name="status" label="Status" value={query.status} options={RunStatus.options.map((s) => [s, s])} />
      <FilterSelect name="technique" label="Technique" value={query.technique} options={facets.techniques.map((t) => [t, t])} />
      <FilterSelect name="dataset" label="Dataset" value={query.dataset} options={facets.datasets.map((d) => [d.id, d.name])} />
      <FilterSelect name="tag" label="Tag" value={query.tag} options={facets.tags.map((t) => [t, t])} />
      <FilterSelect name="meets" label="Meets requirements" value={query.meets} options={[["yes", "yes"], ["no", "no"]]} />
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

/** One filter: a labelled select whose first option, "any", leaves the filter off. */
function FilterSelect({ name, label, value, options }: { name: string; label: string; value: string | undefined; options: [value: string, label: string][] }) {
  return (
    <div className="field">
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={value ?? ""}>
        <option value="">any</option>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </div>
  );
}
