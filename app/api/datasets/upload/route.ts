import { db } from "@/lib/db";
import { publicDataset } from "@/lib/datasets/public-dataset";
import { UploadDatasetQuery } from "@/lib/datasets/schemas";
import { uploadDataset } from "@/lib/datasets/upload-dataset";
import { route } from "@/lib/http/route";

// Reading and validating an archive of tens of MB takes longer than a typical request; allow it.
export const maxDuration = 300;

// POST /api/datasets/upload?name=…&kind=…[&inputShape=32x32x3] — the archive as the raw body or a multipart
// "file" field; streamed to disk with a size limit, validated in a child process, then registered. Next's proxy
// (proxy.ts) leaves this route out so that it does not buffer the body; route() checks Host and session first.
export const POST = route({ query: UploadDatasetQuery, status: 201 }, async ({ query, request }) => ({
  dataset: publicDataset(await uploadDataset(db(), request, query), request.headers),
}));
