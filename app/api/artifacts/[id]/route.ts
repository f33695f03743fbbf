// GET /api/artifacts/:id — an exported model or model card, streamed, with its SHA-256 as the ETag.
import { findArtifactFile } from "@/lib/artifacts/artifact-file";
import { db } from "@/lib/db";
import { fileResponse } from "@/lib/http/download";
import { route } from "@/lib/http/route";
import { ArtifactIdParams as Params } from "@/lib/schemas/artifact";

export const GET = route({ params: Params }, async ({ params, request }) =>
  fileResponse(request, await findArtifactFile(db(), params.id), "Artifact file"),
);
