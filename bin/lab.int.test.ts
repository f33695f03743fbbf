// The `lab` CLI as a CI job runs it: a subprocess against a real server (next dev on a free port, with a
// password and an API token), the real worker, Redis, the database and onnxruntime-node. It uploads a dataset,
// gates two tiny runs on their requirements (exit 0, exit 1), fails cleanly on bad input (exit 2, the server's
// message), and downloads the INT8 model, which must load and run.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../lib/db";
import { imageFolderFiles, tarGz, tempDir } from "../lib/ml/data/test-fixtures";
import { RunSnapshot } from "../lib/schemas/run-response";
import { registerSyntheticDataset, startWorkerProcess, waitFor, type WorkerHandle } from "../test/fixtures";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const TOKEN = "cli-int-test-token-0123456789";
const scratch = tempDir("lab-cli-");
const suffix = Date.now().toString(36);

let server: ChildProcess | undefined;
let serverLog = "";
let worker: WorkerHandle | undefined;
let labUrl = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/lab.mjs …` as a CI job would, with LAB_URL and LAB_TOKEN from the environment. */
function lab(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "bin/lab.mjs"), ...args], {
      cwd: scratch,
      // Only what a CI job would set: nothing of the test's own environment leaks into the client.
      env: { PATH: process.env.PATH ?? "", LAB_URL: labUrl, LAB_TOKEN: TOKEN, ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const noStackTrace = (r: Result) => expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

// One resnet stage and its INT8 copy: ResNet-20 is large enough that INT8 is clearly faster on ONNX Runtime
// (a tiny CNN is dominated by per-op overhead, where INT8 can be slower), and 1 epoch on 128 images is cheap.
const pipelineFile = path.join(scratch, "pipeline.json");
const runArgs = (name: string) => [
  "run", "--name", name, "--dataset", "synthetic", "--architecture", "resnet", "--pipeline", pipelineFile,
  "--epochs", "1", "--train-limit", "128", "--test-limit", "100", "--batch-size", "32",
];

// The CLI speaks HTTP, so what it tests does not depend on the database; and one checkout runs one `next dev`
// (it locks its build directory). So this runs in the SQLite project only.
describe.skipIf(!process.env.DATABASE_URL?.startsWith("file:"))("the lab CLI against a running lab", () => {
  beforeAll(async () => {
    writeFileSync(pipelineFile, JSON.stringify([{ technique: "baseline", params: {} }, { technique: "quantize", params: { mode: "ptq", calibrationImages: 64 } }]));
    await registerSyntheticDataset(db());
    const port = await freePort();
    labUrl = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      // vitest sets NODE_ENV=test, with which next dev builds into .next/dev/dev and rewrites tsconfig.json
      NODE_ENV: "development" as const,
      LAB_PASSWORD: "cli-int-test-password",
      LAB_API_TOKENS: TOKEN,
      DATASET_UPLOAD_DIR: path.join(scratch, "uploads"),
    };
    mkdirSync(env.DATASET_UPLOAD_DIR, { recursive: true });
    const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "dev", "-H", "127.0.0.1", "-p", String(port)], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => (serverLog += d));
    child.stderr.on("data", (d) => (serverLog += d));
    server = child;
    worker = await startWorkerProcess();
    // The first request compiles the proxy and the route; the document is a cheap one to wait on.
    await waitFor(
      `the dev server on ${labUrl}:\n${serverLog}`,
      async () => (await fetch(`${labUrl}/api/openapi.json`, { headers: { Authorization: `Bearer ${TOKEN}` } }).catch(() => null))?.ok,
      240_000,
      1_000,
    );
  }, 300_000);

  afterAll(async () => {
    await worker?.stop();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await db().$disconnect();
  });

  it("serves the OpenAPI document through the app, behind the same authentication", async () => {
    const doc = await (await fetch(`${labUrl}/api/openapi.json`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/experiments");
    expect((await fetch(`${labUrl}/api/openapi.json`)).status).toBe(401);

    // The reference page renders every documented operation.
    const page = await fetch(`${labUrl}/api-reference`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(page.status).toBe(200);
    const html = (await page.text()).replaceAll("<!-- -->", ""); // React's separators between text nodes
    for (const [p, methods] of Object.entries(doc.paths as Record<string, object>)) {
      for (const m of Object.keys(methods)) expect(html, `${m} ${p}`).toContain(`${m.toUpperCase()} ${p}`);
    }
    expect(html).toContain("Cross-site request refused");
  });

  it("uploads a dataset and lists it; without the token it prints the server's message and exits 2", async () => {
    const archive = path.join(scratch, "colours.tar.gz");
    writeFileSync(archive, await tarGz(await imageFolderFiles()));
    const up = await lab(["datasets", "upload", archive, "--name", `cli colours ${suffix}`, "--input-shape", "8x8x3", "--json"]);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ id: `cli-colours-${suffix}`, kind: "image-folder", classes: ["blue", "red"], inputShape: [8, 8, 3] });

    const list = await lab(["datasets", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(["synthetic", `cli-colours-${suffix}`]));
    const table = await lab(["datasets"]);
    expect(table.stdout).toMatch(new RegExp(`cli-colours-${suffix}\\s.*image-folder\\s+2\\s+6\\s+4\\s+8×8×3`));

    const anonymous = await lab(["datasets"], { LAB_TOKEN: "" });
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr.trim()).toBe("lab: GET /api/datasets: Sign in first (or send an API token) (401 unauthorized)");
  });

  it("a bad argument: exit 2 with the field and message the API gave, no stack trace", async () => {
    const bad = await lab([...runArgs("cli bad"), "--epochs", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/POST \/api\/experiments: .*training\.epochs: at least 1 epoch \(400 bad_request\)/);
    noStackTrace(bad);
    const unknownDataset = await lab(["run", "--name", "cli bad", "--dataset", "no-such-dataset", "--architecture", "resnet", "--preset", "sequential"]);
    expect(unknownDataset.code).toBe(2);
    // --preset asks the server for the preset fitted to this dataset first
    expect(unknownDataset.stderr).toContain("GET /api/presets: Dataset not found (404 not_found)");
    const badRequirement = await lab([...runArgs("cli bad"), "--require", "min-speedup=fast"]);
    expect(badRequirement.code).toBe(2);
    expect(badRequirement.stderr).toContain("--require min-speedup=fast");
  });

  let passingRun = "";

  it("run --wait exits 0 when the requirements hold, and the INT8 model it downloads runs in onnxruntime-node", async () => {
    // min-speedup=1 (INT8 no slower than FP32): ResNet's INT8 measures 1.2–1.9× faster here even with other
    // test suites on the cores, so the gate is not at the mercy of timing noise.
    const r = await lab([...runArgs("cli holds"), "--require", "max-drop=0.5,min-speedup=1,min-size-reduction=0.5", "--wait", "--json"]);
    expect(r.code, `${r.stderr}\n${worker?.output()}`).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ status: "succeeded", meetsRequirements: true, shipStageIndex: 1 });
    const checks = Object.fromEntries(result.stages[1].verdict.checks.map((c: { requirement: string; pass: boolean }) => [c.requirement, c.pass]));
    expect(checks).toEqual({ maxAccuracyDrop: true, minLatencyReduction: true, minSizeReduction: true });
    expect(r.stderr).toMatch(/stage 2\/2 quantize · calibrating/); // progress as plain lines (stderr is no TTY)
    passingRun = result.runId;

    // The response matches the schema the OpenAPI document publishes.
    const snapshot = await (await fetch(`${labUrl}/api/runs/${passingRun}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
    const parsed = RunSnapshot.safeParse(snapshot);
    expect(parsed.success, parsed.error?.message).toBe(true);

    const file = path.join(scratch, "model.onnx");
    const dl = await lab(["download", passingRun, "--stage", "1", "--kind", "onnx-int8", "-o", file]);
    expect(dl.code, dl.stderr).toBe(0);
    expect(dl.stdout).toMatch(/^wrote .*model\.onnx: stage 1 onnx-int8, \d+ bytes, sha256 [0-9a-f]{64}\n$/);
    const session = await ort.InferenceSession.create(file);
    const input = new ort.Tensor("float32", new Float32Array(16 * 16).fill(0.5), [1, 1, 16, 16]); // NCHW, as exported
    const output = await session.run({ [session.inputNames[0]]: input });
    const logits = output[session.outputNames[0]];
    expect(logits.dims).toEqual([1, 4]);
    expect([...(logits.data as Float32Array)].every(Number.isFinite)).toBe(true);
  });

  it("run --wait exits 1 when the requirements cannot hold; status and compare show why", async () => {
    const r = await lab([...runArgs("cli fails"), "--require", "max-drop=0.5,min-speedup=100,min-size-reduction=0.5", "--wait"]);
    expect(r.code, `${r.stderr}\n${worker?.output()}`).toBe(1);
    expect(r.stdout).toMatch(/requirements: .*speedup ≥ 100\.00×/);
    expect(r.stdout).toMatch(/1\s+quantize\s+succeeded.*ok\/FAIL\/ok\s+fail/);
    expect(r.stdout).toContain("does NOT meet the requirements");
    const failingRun = /queued run (\S+)/.exec(r.stderr)![1];

    const status = await lab(["status", failingRun, "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: failingRun, meetsRequirements: false, shipStageIndex: null });

    const compared = await lab(["compare", passingRun, failingRun]);
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toContain(`${passingRun}: meets the requirements (ship stage 1)`);
    expect(compared.stdout).toContain(`${failingRun}: does not meet the requirements`);

    const missing = await lab(["download", failingRun, "--stage", "0", "--kind", "onnx-int8", "-o", path.join(scratch, "none.onnx")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/has no onnx-int8 artifact for stage 0 \(it has: .*stage 0 onnx-fp32/);
  });

  it("models upload and sweep call their routes and print the server's answer cleanly", async () => {
    const model = path.join(scratch, "upload.onnx");
    writeFileSync(model, new Uint8Array([8, 1, 18, 0]));
    for (const args of [["models", "upload", model, "--name", `cli model ${suffix}`], ["sweep", pipelineFile]]) {
      const r = await lab(args);
      // Until /api/models and /api/sweeps exist this is the server's 404; afterwards a validation or success answer.
      if (r.code !== 0) {
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^lab: POST \/api\/(models|sweeps): .+\n/);
        noStackTrace(r);
      }
    }
  });
});
