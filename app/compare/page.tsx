// /compare: the run picker. A comparison's address is /compare?runs=a,b,… (next.config.ts rewrites it to
// /compare/[runs], which the page cache keeps per data version); the runs table's form and the picker send one
// `run` parameter per ticked run, which is redirected to that address.
import { redirect } from "next/navigation";
import { parseRunIds } from "@/lib/runs/run-query";
import { Comparison } from "./comparison";

export const dynamic = "force-dynamic";

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const ids = parseRunIds(params);
  if (ids.length && params.runs === undefined) redirect(`/compare?runs=${ids.join(",")}`);
  return <Comparison ids={ids} />;
}
