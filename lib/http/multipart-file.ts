// The bytes of one file field of a multipart/form-data body, streamed: Request.formData() would hold the whole
// body in memory, which an upload of hundreds of MB must not. Parts before the field are skipped; reading stops
// at the end of the field.
import { AppError } from "../errors";

const MAX_HEADER_BYTES = 16 * 1024;

export function multipartBoundary(contentType: string): string | null {
  const m = contentType.match(/boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i);
  return m ? (m[1] ?? m[2]) : null;
}

const bad = (why: string) => new AppError("bad_request", `The multipart body cannot be parsed: ${why}`);

/** Yields the content of the part named `field`; throws 400 when the body ends first or has no such part. */
export async function* multipartFile(body: AsyncIterable<Uint8Array>, boundary: string, field = "file"): AsyncGenerator<Uint8Array> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const keep = delimiter.length - 1; // a delimiter may straddle two chunks
  // A CRLF in front makes the first boundary look like every other one.
  let buf: Buffer = Buffer.from("\r\n");
  let state: "preamble" | "after-delimiter" | "headers" | "skip" | "file" = "preamble";
  for await (const chunk of body) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
    for (;;) {
      if (state === "preamble" || state === "skip" || state === "file") {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          const safe = Math.max(0, buf.length - keep);
          if (state === "file" && safe > 0) yield buf.subarray(0, safe);
          buf = buf.subarray(safe);
          break;
        }
        if (state === "file") {
          if (at > 0) yield buf.subarray(0, at);
          return;
        }
        buf = buf.subarray(at + delimiter.length);
        state = "after-delimiter";
      } else if (state === "after-delimiter") {
        if (buf.length < 2) break;
        if (buf.subarray(0, 2).toString("latin1") === "--") throw bad(`no "${field}" field`);
        const eol = buf.indexOf("\r\n");
        if (eol < 0) break;
        buf = buf.subarray(eol + 2);
        state = "headers";
      } else {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw bad("part headers too long");
          break;
        }
        const disposition = buf.subarray(0, end).toString("utf8").match(/^content-disposition:.*?;\s*name="([^"]*)"/im);
        state = disposition?.[1] === field ? "file" : "skip";
        buf = buf.subarray(end + 4);
      }
    }
  }
  throw bad(state === "file" ? "the body ends inside the file" : `no "${field}" field`);
}
