// GET /api/openapi.json — the API's OpenAPI 3.1 document, generated from the routes' zod schemas.
import { route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/openapi/document";

export const GET = route({}, async () => openApiDocument());
