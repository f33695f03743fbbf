// The body of every error answer (lib/http/route.ts errorResponse): a code from lib/errors.ts, a message for
// people, and for invalid input the zod issues (path, message, code).
import { z } from "zod";
import { ErrorCodes, type ErrorCode } from "../errors";

export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ErrorCodes) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    issues: z.array(z.looseObject({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
