// End-to-end specs drive Debian's Chromium (never a downloaded browser) against the app as `npm start` runs
// it, on its own SQLite file, artifact folder, queue prefix and port.
import { defineConfig } from "@playwright/test";
import { e2eQueuePrefix } from "./e2e/queue-prefix";

const PORT = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  timeout: 300_000,
  expect: { timeout: 15_000 },
  workers: 1,
  globalSetup: "./e2e/global-setup.ts",
  reporter: [["list"], ["json", { outputFile: "reports/playwright.json" }]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  webServer: {
    // A fresh database and artifact folder for every e2e run.
    command: "node -e \"require('fs').rmSync('data/e2e', { recursive: true, force: true })\" && node scripts/start.mjs",
    url: `http://127.0.0.1:${PORT}/api/datasets`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      DATABASE_URL: "file:./data/e2e/lab.db",
      ARTIFACT_DIR: "./data/e2e/artifacts",
      QUEUE_PREFIX: e2eQueuePrefix(),
    },
  },
});
