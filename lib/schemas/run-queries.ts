// Query strings of the run routes that add to the runs table's view (lib/runs/run-query.ts): the export
// format, and the compare page's explicit run ids.
import { z } from "zod";
import { RunQuery } from "../runs/run-query";

export const ExportFormat = z.object({ format: z.enum(["csv", "json"]).default("csv") });

/** GET /api/runs/export */
export const RunsExportQuery = RunQuery.extend(ExportFormat.shape);

/** GET /api/stages */
export const StagePointsQuery = RunQuery.extend({
  runs: z.string().max(10 * 65).regex(/^[\w-]+(,[\w-]+)*$/, "comma-separated run ids").optional(),
  // Not Content-Encoding: Next.js drops that header from route handlers' responses (next/dist/server/send-response.js).
  encoding: z
    .enum(["identity", "gzip"])
    .default("identity")
    .describe("gzip: the same JSON gzip-compressed, as application/gzip (the dashboard decompresses it with DecompressionStream: 100,000 points are ~1 MB instead of ~5 MB)"),
});
