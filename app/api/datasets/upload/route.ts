import { db } from "@/lib/db";
import { UploadDatasetQuery } from "@/lib/datasets/schemas";
import { uploadDataset } from "@/lib/datasets/upload-dataset";
import { route } from "@/lib/http/route";

// Reading and validating an archive of tens of MB takes longer than a typical request; allow it.
export const maxDuration = 300;

// POST /api/datasets/upload?name=…&kind=…[&inputShape=32x32x3] — the archive as the raw body or a multipart
// "file" field; size-limited, validated, then registered.
export const POST = route({ query: UploadDatasetQuery, status: 201 }, async ({ query, request }) => ({ dataset: await uploadDataset(db(), request, query) }));
