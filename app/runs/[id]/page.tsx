import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { runSnapshot } from "@/lib/runs/run-snapshot";
import { RunView } from "./run-view";

// Rendered on a run's first visit and kept until the data version moves (lib/http/page-cache-handler.cjs); 60 s at
// most. No run is rendered at build time.
export const revalidate = 60;
export const generateStaticParams = () => [];

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  try {
    return <RunView initial={await runSnapshot(db(), id)} />;
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
}
