// Playwright's `test`, with one addition every spec needs: the app has one worker that trains one run at a time,
// so a spec that fails (or times out) with its run still training would leave the next spec's run waiting
// behind it — one slow spec would fail every spec after it. After each spec, its runs still queued or running
// are cancelled through the API, as a user would.
import { expect, test as base } from "@playwright/test";

export const test = base.extend<{ cancelLeftoverRuns: void }>({
  cancelLeftoverRuns: [
    async ({ request }, use) => {
      await use();
      for (const status of ["running", "queued"]) {
        const res = await request.get(`/api/runs?status=${status}&pageSize=100`);
        if (!res.ok()) continue;
        const { rows } = (await res.json()) as { rows: { id: string }[] };
        // 409 when the run ended meanwhile: nothing left to stop.
        for (const { id } of rows) await request.post(`/api/runs/${id}/cancel`);
      }
    },
    { auto: true },
  ],
});

export { expect };
export type { Locator, Page } from "@playwright/test";
