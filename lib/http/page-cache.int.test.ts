// The page cache (lib/http/page-cache-handler.cjs) in the real server, on this project's database: a run page and
// a comparison are rendered once and then served from the cache, a write from another connection (the worker's,
// here the test's) shows on the very next request, the password still stands in front of a cached page, and no
// browser or proxy is told it may keep one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerSyntheticDataset } from "../../test/fixtures";
import { rawRequest, startLabServer, type LabServer } from "../../test/lab-server";
import { db } from "../db";

const PASSWORD = "page cache test password";
const TOKEN = "page-cache-test-token-0123456789";
const prefix = `pagecache-${Date.now().toString(36)}`;
let n = 0;
let open: LabServer;
let locked: LabServer;

async function createRun(name: string) {
  const id = `${prefix}-${n++}`;
  await db().experiment.create({ data: { id: `${id}-exp`, name, datasetId: "synthetic", baseArch: "small-cnn", tags: [] } });
  await db().run.create({
    data: {
      id, experimentId: `${id}-exp`, status: "succeeded", pipeline: [{ technique: "baseline" }], training: {}, requirements: {}, seed: 1, finishedAt: new Date(),
      stages: { create: [{ index: 0, technique: "baseline", params: {}, status: "succeeded", accuracy: 0.8, finishedAt: new Date() }] },
    },
  });
  return id;
}
const rename = (id: string, name: string) => db().experiment.update({ where: { id: `${id}-exp` }, data: { name } });
const get = (server: LabServer, p: string, headers: Record<string, string> = {}) => rawRequest(`${server.url}${p}`, { headers });
/** Whether the page's markup shows `text` (React's text separators removed); a boolean, so a failure does not print the page. */
const shows = (page: { body: string }, text: string | RegExp) => {
  const markup = page.body.replaceAll("<!-- -->", "");
  return typeof text === "string" ? markup.includes(text) : text.test(markup);
};

beforeAll(async () => {
  await registerSyntheticDataset(db());
  [open, locked] = await Promise.all([startLabServer(), startLabServer({ LAB_PASSWORD: PASSWORD, LAB_API_TOKENS: TOKEN })]);
}, 900_000);

afterAll(async () => {
  await Promise.all([open?.stop(), locked?.stop()]);
  await db().experiment.deleteMany({ where: { id: { startsWith: prefix } } });
  await db().$disconnect();
});

describe("page cache", () => {
  it("serves a run page from the cache until a write, then the written state", async () => {
    const id = await createRun("before rename");
    const first = await get(open, `/runs/${id}`);
    expect(first.status).toBe(200);
    expect(shows(first, "before rename"), "before rename").toBe(true);
    expect(first.headers["x-nextjs-cache"]).toBe("MISS");
    const second = await get(open, `/runs/${id}`);
    expect(second.headers["x-nextjs-cache"]).toBe("HIT");
    expect(second.body === first.body, "the same page").toBe(true);

    await rename(id, "after rename");
    const third = await get(open, `/runs/${id}`);
    expect(shows(third, "after rename"), "after rename").toBe(true);
    expect(shows(third, "before rename"), "before rename").toBe(false);
    expect(third.headers["x-nextjs-cache"]).toBe("MISS");
  });

  it("answers 404 for a run that does not exist yet, and the page once it does", async () => {
    const id = `${prefix}-${n}`; // the id createRun gives next
    expect((await get(open, `/runs/${id}`)).status).toBe(404);
    expect((await get(open, `/runs/${id}`)).status).toBe(404);
    expect(await createRun("created after a 404")).toBe(id);
    const now = await get(open, `/runs/${id}`);
    expect(now.status).toBe(200);
    expect(shows(now, "created after a 404"), "created after a 404").toBe(true);
  });

  it("keeps a comparison at its /compare?runs= address, and shows a write at once", async () => {
    const [a, b] = [await createRun("compared first"), await createRun("compared second")];
    const first = await get(open, `/compare?runs=${a},${b}`);
    expect(first.status).toBe(200);
    expect(shows(first, /Compare 2 runs/), String(/Compare 2 runs/)).toBe(true);
    expect(shows(first, "compared first"), "compared first").toBe(true);
    expect((await get(open, `/compare?runs=${a},${b}`)).headers["x-nextjs-cache"]).toBe("HIT");

    await rename(a, "renamed while compared");
    const after = await get(open, `/compare?runs=${a},${b}`);
    expect(shows(after, "renamed while compared"), "renamed while compared").toBe(true);
    expect(shows(after, "compared first"), "compared first").toBe(false);

    // The runs table's form sends one `run` per ticked box: redirected to the address the cache keeps.
    const ticked = await get(open, `/compare?run=${a}&run=${b}`);
    expect(ticked.status).toBe(307);
    expect(ticked.headers.location).toBe(`/compare?runs=${a},${b}`);
    // One run is not a comparison: the picker.
    const one = await get(open, `/compare?runs=${a}`);
    expect(one.status).toBe(200);
    expect(shows(one, /Compare runs/), String(/Compare runs/)).toBe(true);
  });

  it("tells no browser or proxy to keep a page", async () => {
    const id = await createRun("not for shared caches");
    for (const p of [`/runs/${id}`, `/runs/${id}`, "/", "/compare"]) {
      expect((await get(open, p)).headers["cache-control"], p).toBe("private, no-cache, no-store, max-age=0, must-revalidate");
    }
  });

  it("still asks for the password in front of a page it has cached", async () => {
    const id = await createRun("behind the password");
    const signedIn = { authorization: `Bearer ${TOKEN}` };
    expect(shows(await get(locked, `/runs/${id}`, signedIn), "behind the password")).toBe(true);
    expect((await get(locked, `/runs/${id}`, signedIn)).headers["x-nextjs-cache"]).toBe("HIT");
    const anonymous = await get(locked, `/runs/${id}`);
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    expect(shows(anonymous, "behind the password"), "behind the password").toBe(false);
  });
});
