// /compare?runs=a,b,… as next.config.ts rewrites it: rendered once per data version and kept in the page cache
// (lib/http/page-cache-handler.cjs), 60 s at most; none at build time.
import { parseRunIds } from "@/lib/runs/run-query";
import { Comparison } from "../comparison";

export const revalidate = 60;
export const generateStaticParams = () => [];

export default async function ComparedRunsPage({ params }: { params: Promise<{ runs: string }> }) {
  return <Comparison ids={parseRunIds({ runs: decodeURIComponent((await params).runs) })} />;
}
