import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getSweep } from "@/lib/sweeps/get-sweep";
import { SweepView } from "./sweep-view";

export const dynamic = "force-dynamic";

export default async function SweepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  try {
    return <SweepView initial={await getSweep(db(), id)} />;
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
}
