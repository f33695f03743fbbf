// A link to a run's page. Not prefetched: run pages are kept by the page cache (lib/http/page-cache-handler.cjs),
// so Next counts them as static and would prefetch each one in full as its link scrolls into view — a render per
// row of the runs table after every write while a run trains, for pages nobody opened.
import Link from "next/link";
import type { ReactNode } from "react";

export function RunLink({ id, children }: { id: string; children: ReactNode }) {
  return <Link href={`/runs/${id}`} prefetch={false}>{children}</Link>;
}
