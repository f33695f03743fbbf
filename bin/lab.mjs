#!/usr/bin/env node
// lab — the Compression Lab from scripts and CI. Plain Node (≥ 20) ESM with no dependencies beyond the
// standard library and its fetch, so this one file runs anywhere that can reach the lab: `node lab.mjs …`.
// It speaks the JSON API described at /api/openapi.json. Exit codes are the contract a CI job gates on:
// 0 = the run meets its requirements (or the command succeeded), 1 = it does not, 2 = an error.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, readFileSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";

const EXIT = { ok: 0, unmet: 1, error: 2 };

const HELP = `lab — Compression Lab client (LAB_URL, default http://127.0.0.1:3000; LAB_TOKEN sent as a bearer token)

  lab datasets                                   list datasets
  lab datasets upload FILE --name N [--kind image-folder|idx|cifar10-bin|fashion-mnist] [--input-shape 32x32x3]
  lab run --name N --dataset ID --architecture A (--preset sequential|four-way | --pipeline pipeline.json)
          [--model ID] [--epochs N] [--train-limit N] [--test-limit N] [--batch-size N] [--seed N] [--tag T]…
          [--require max-drop=0.01,min-speedup=1.5,min-size-reduction=0.5] [--wait]
  lab status RUN                                 a run's stages and verdict
  lab download RUN [--stage N] [--kind onnx-int8] -o model.onnx
  lab compare RUN RUN…                           stages of several runs side by side
  lab models upload FILE --name N                needs POST /api/models (a newer lab; older ones answer 404)
  lab sweep sweep.json                           POST /api/sweeps: { base, method, parameters, maxRuns, seeds } (see the README)

  --json      machine output on stdout (progress still goes to stderr)
  --wait      follow the run (a progress bar on a terminal, plain lines otherwise), print its stage table,
              exit 0 when the run meets its requirements, 1 when it does not, 2 on an error
  --require   max-drop: largest accuracy drop (fraction, 0.01 = 1 pp); min-speedup: baseline latency / stage
              latency (sent as minLatencyReduction = 1 − 1/s); min-size-reduction: fraction; the preset's or
              the server's defaults apply to what is left out
  --model     an uploaded model's id (lab models upload): the baseline stage loads it instead of training
  --pipeline  a JSON file: an array of stages [{ "technique": …, "params": {…} }, …], or an object with
              "pipeline" and optionally "training" and "requirements"`;

/** A failure to report in one line (and the API's issues under it); never a stack trace. */
class CliError extends Error {
  constructor(message, issues = [], status = undefined) {
    super(message);
    this.issues = issues;
    /** the HTTP status, when the server answered */
    this.status = status;
  }
}

// ---------------------------------------------------------------- HTTP

const baseUrl = () => (process.env.LAB_URL || "http://127.0.0.1:3000").replace(/\/+$/, "");
const authHeaders = () => (process.env.LAB_TOKEN ? { Authorization: `Bearer ${process.env.LAB_TOKEN}` } : {});

async function request(method, urlPath, { json, body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...authHeaders(), ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    init.body = body;
    init.duplex = "half";
  }
  let response;
  try {
    response = await fetch(baseUrl() + urlPath, init);
  } catch (e) {
    throw new CliError(`cannot reach the lab at ${baseUrl()} (${e.cause?.code ?? e.cause?.message ?? e.message}); set LAB_URL`);
  }
  if (!response.ok && response.status !== 304) throw await apiError(method, urlPath, response);
  return response;
}

/** The API's `{ error: { code, message, issues } }` as a CliError; any other answer (a proxy, a missing route) by its status. */
async function apiError(method, urlPath, response) {
  const text = await response.text().catch(() => "");
  let error;
  try {
    error = JSON.parse(text).error;
  } catch {}
  const route = `${method} ${urlPath.split("?")[0]}`;
  if (error?.message) return new CliError(`${route}: ${error.message} (${response.status} ${error.code})`, Array.isArray(error.issues) ? error.issues : [], response.status);
  if (response.status === 404) return new CliError(`${route}: this lab has no such route (404) — the server may be older than this client`, [], 404);
  return new CliError(`${route}: the server answered ${response.status} ${response.statusText}`, [], response.status);
}

const getJson = async (urlPath) => (await request("GET", urlPath)).json();
const postJson = async (urlPath, json) => (await request("POST", urlPath, { json })).json();
const enc = encodeURIComponent;

// ---------------------------------------------------------------- verdict


/** Whether the run meets its requirements, which stage to ship, and each stage's checks — as the worker stored them. */
export function verdictOf(run) {
  return { meetsRequirements: run.meetsRequirements ?? null, shipStageIndex: run.shipStageIndex ?? null, stages: run.stages.map((s) => ({ index: s.index, verdict: s.verdict ?? null })) };
}

// ---------------------------------------------------------------- arguments


/** "max-drop=0.01,min-speedup=1.5,min-size-reduction=0.5" → the API's requirements (fractions). */
export function parseRequirements(text) {
  const out = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [key, raw] = part.split("=");
    const value = Number(raw);
    if (raw === undefined || raw.trim() === "" || !Number.isFinite(value)) throw new CliError(`--require ${part}: write key=number, e.g. max-drop=0.01`);
    if (key === "max-drop") out.maxAccuracyDrop = value;
    else if (key === "min-speedup") {
      if (value <= 0) throw new CliError(`--require min-speedup=${raw}: a speedup is a positive factor (1.5 = 1.5× faster)`);
      out.minLatencyReduction = 1 - 1 / value;
    } else if (key === "min-latency-reduction") out.minLatencyReduction = value;
    else if (key === "min-size-reduction") out.minSizeReduction = value;
    else throw new CliError(`--require: unknown requirement "${key}" (max-drop, min-speedup, min-latency-reduction, min-size-reduction)`);
  }
  return out;
}

function parse(args, options, { positionals = 0, usage }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { json: { type: "boolean" }, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${e.message}\nusage: ${usage}`);
  }
  if (parsed.positionals.length < positionals) throw new CliError(`usage: ${usage}`);
  return parsed;
}

function integer(value, flag) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`${flag} ${value}: expected a whole number`);
  return n;
}

function readJsonFile(file, what) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`${what} ${file}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
  }
}

// ---------------------------------------------------------------- output

const out = (line = "") => process.stdout.write(`${line}\n`);
const printJson = (value) => {
  out(JSON.stringify(value, null, 2));
};

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const [n, r] of rows.entries()) {
    out(r.map((c, i) => (i === 0 || i === 1 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ").trimEnd());
    if (n === 0) out(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

const pct = (v, digits = 1) => (v == null ? "–" : `${(v * 100).toFixed(digits)}%`);
const num = (v, digits = 3) => (v == null ? "–" : v.toFixed(digits));
const kb = (b) => (b == null ? "–" : `${(b / 1024).toFixed(1)} KB`);

/** The per-stage table: metrics against the baseline and each requirement's check. */
function stageRows(run, verdict, prefix = []) {
  const base = run.stages.find((s) => s.index === 0);
  const mark = (c) => (c?.pass == null ? "–" : c.pass ? "ok" : "FAIL");
  return run.stages.map((s) => {
    const v = verdict.stages.find((x) => x.index === s.index)?.verdict;
    const check = (name) => v?.checks.find((c) => c.requirement === name);
    const speedup = base?.latencyP50Ms && s.latencyP50Ms ? base.latencyP50Ms / s.latencyP50Ms : null;
    const drop = base?.accuracy != null && s.accuracy != null && s.index !== 0 ? s.accuracy - base.accuracy : null;
    return [
      ...prefix,
      `${s.index}${verdict.shipStageIndex === s.index ? "*" : ""}`,
      s.technique,
      s.status,
      pct(s.accuracy),
      drop == null ? "–" : `${drop >= 0 ? "+" : ""}${(drop * 100).toFixed(1)} pp`,
      num(s.latencyP50Ms),
      speedup == null ? "–" : `${speedup.toFixed(2)}×`,
      kb(s.sizeBytes),
      `${mark(check("maxAccuracyDrop"))}/${mark(check("minLatencyReduction"))}/${mark(check("minSizeReduction"))}`,
      v ? (v.pass ? "pass" : "fail") : "–",
    ];
  });
}

const STAGE_HEADER = ["#", "technique", "status", "accuracy", "Δ acc", "p50 ms", "speedup", "size", "acc/lat/size", "verdict"];

function requirementsLine(r = {}) {
  if (typeof r.maxAccuracyDrop !== "number") return "requirements: –";
  const speedup = r.minLatencyReduction < 1 ? 1 / (1 - r.minLatencyReduction) : Infinity;
  return `requirements: accuracy drop ≤ ${(r.maxAccuracyDrop * 100).toFixed(1)} pp, speedup ≥ ${speedup.toFixed(2)}× (latency −${pct(r.minLatencyReduction, 0)}), size −${pct(r.minSizeReduction, 0)}`;
}

function printRun(run, verdict) {
  out(`run ${run.id} · ${run.experiment?.name ?? ""} · ${run.status}${run.backend ? ` · backend ${run.backend}` : ""}`);
  out(`${run.experiment?.baseArch ?? ""} on ${run.experiment?.datasetId ?? ""} · ${baseUrl()}/runs/${run.id}`);
  if (run.error) out(`error: ${run.error}`);
  out(requirementsLine(run.requirements));
  out();
  table([STAGE_HEADER, ...stageRows(run, verdict)]);
  out();
  out(
    verdict.meetsRequirements === true
      ? `meets the requirements: ship stage ${verdict.shipStageIndex} (${run.stages.find((s) => s.index === verdict.shipStageIndex)?.technique ?? "?"}), marked *`
      : verdict.meetsRequirements === false
        ? "does NOT meet the requirements: no stage passes every check"
        : "no verdict yet: no compressed stage has been measured",
  );
}

// ---------------------------------------------------------------- following a run (SSE)

/** Progress on stderr: one redrawn bar on a terminal, a line per phase/epoch change otherwise (CI logs). */
function progressPrinter() {
  const tty = Boolean(process.stderr.isTTY);
  let lastLine = "";
  let drawn = false;
  return {
    progress(p) {
      const where = `stage ${p.stageIndex + 1}/${p.stages} ${p.technique} · ${p.phase}${p.epoch ? ` · epoch ${p.epoch}/${p.epochs}` : ""}`;
      if (tty) {
        const width = 30;
        const filled = Math.round(p.fraction * width);
        const extra = p.loss != null ? ` · loss ${p.loss.toFixed(3)}` : "";
        process.stderr.write(`\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(p.fraction * 100).toFixed(0).padStart(3)}% ${where}${extra}`);
        drawn = true;
      } else if (where !== lastLine) {
        process.stderr.write(`${(p.fraction * 100).toFixed(0).padStart(3)}% ${where}\n`);
        lastLine = where;
      }
    },
    status(run) {
      const line = `run ${run.id}: ${run.status}`;
      if (line === lastLine) return;
      this.end();
      process.stderr.write(`${line}\n`);
      lastLine = line;
    },
    end() {
      if (drawn) process.stderr.write("\n");
      drawn = false;
    },
  };
}

/** Reads one server-sent-event stream, calling onEvent(name, data) per event, until it ends. */
async function readEvents(response, onEvent) {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(event, JSON.parse(data.join("\n")));
    }
  }
}

const FINISHED = ["succeeded", "failed", "cancelled"];

/** Follows the run's event feed until it finishes (reconnecting when the connection drops); returns the final run. */
async function follow(runId) {
  const printer = progressPrinter();
  let last;
  // Failed connections in a row: a proxy closing a long stream now and then is normal, a dead server is not.
  let failures = 0;
  for (;;) {
    try {
      const response = await request("GET", `/api/runs/${enc(runId)}/events`, { headers: { Accept: "text/event-stream" } });
      failures = 0;
      await readEvents(response, (event, data) => {
        if (event === "progress") printer.progress(data);
        else if (event === "run" || event === "status") {
          // `run` is the snapshot on connect, `status` the run's own columns when they change
          last = event === "run" ? data : { ...last, ...data };
          printer.status(last);
        }
      });
    } catch (e) {
      // A 4xx (unknown run, bad token) will not get better; a dropped connection might.
      if (e instanceof CliError && e.status >= 400 && e.status < 500) throw e;
      if (++failures > 10) throw e instanceof CliError ? e : new CliError(`lost the run's event stream: ${e.message}`);
    }
    if (last && FINISHED.includes(last.status)) break;
    await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** failures, 15_000)));
  }
  printer.end();
  return getJson(`/api/runs/${enc(runId)}`);
}

// ---------------------------------------------------------------- commands

async function datasets(args) {
  if (args[0] === "upload") return uploadDataset(args.slice(1));
  const { values } = parse(args, {}, { usage: "lab datasets [--json]" });
  const { datasets: list } = await getJson("/api/datasets");
  if (values.json) return printJson(list);
  if (!list.length) return out("no datasets");
  table([["id", "name", "kind", "classes", "train", "test", "shape"], ...list.map((d) => [d.id, d.name, d.kind, d.classes.length, d.trainCount, d.testCount, d.inputShape.join("×")])]);
}

function fileBody(file) {
  let size;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`${file}: no such file`);
  }
  const type = /\.zip$/i.test(file) ? "application/zip" : /\.tar$/i.test(file) ? "application/x-tar" : /\.onnx$/i.test(file) ? "application/octet-stream" : "application/gzip";
  return { body: Readable.toWeb(createReadStream(file)), headers: { "Content-Type": type, "Content-Length": String(size) } };
}

async function uploadDataset(args) {
  const usage = "lab datasets upload FILE --name NAME [--kind image-folder|idx|cifar10-bin|fashion-mnist] [--input-shape HxWxC] [--json]";
  const { values, positionals } = parse(args, { name: { type: "string" }, kind: { type: "string" }, "input-shape": { type: "string" } }, { positionals: 1, usage });
  if (!values.name) throw new CliError(`--name is required\nusage: ${usage}`);
  const query = new URLSearchParams({ name: values.name, kind: values.kind ?? "image-folder", ...(values["input-shape"] ? { inputShape: values["input-shape"] } : {}) });
  const { dataset } = await (await request("POST", `/api/datasets/upload?${query}`, fileBody(positionals[0]))).json();
  if (values.json) return printJson(dataset);
  out(`uploaded dataset ${dataset.id}: ${dataset.classes.length} classes, ${dataset.trainCount} train / ${dataset.testCount} test images, ${dataset.inputShape.join("×")}`);
}

async function models(args) {
  const usage = "lab models upload FILE --name NAME [--json]";
  if (args[0] !== "upload") throw new CliError(`usage: ${usage}`);
  const { values, positionals } = parse(args.slice(1), { name: { type: "string" } }, { positionals: 1, usage });
  if (!values.name) throw new CliError(`--name is required\nusage: ${usage}`);
  const model = await (await request("POST", `/api/models?${new URLSearchParams({ name: values.name })}`, fileBody(positionals[0]))).json();
  if (values.json) return printJson(model);
  out(`uploaded model ${model.model?.id ?? model.id ?? ""}`);
}

async function sweep(args) {
  const { values, positionals } = parse(args, {}, { positionals: 1, usage: "lab sweep sweep.json [--json]" });
  const created = await postJson("/api/sweeps", readJsonFile(positionals[0], "sweep"));
  if (values.json) return printJson(created);
  out(`created sweep ${created.sweepId} with ${created.runIds?.length ?? 0} runs: ${baseUrl()}/sweeps/${created.sweepId}`);
}

/** The body of POST /api/experiments from the command line; a --preset is the server's, fitted to the architecture and dataset. */
export async function experimentBody(values) {
  const missing = ["name", "dataset", "architecture"].filter((k) => !values[k]);
  if (missing.length) throw new CliError(`missing ${missing.map((k) => `--${k}`).join(", ")}`);
  if (Boolean(values.preset) === Boolean(values.pipeline)) throw new CliError("give one of --preset sequential|four-way or --pipeline FILE");
  let spec = {};
  if (values.preset) {
    const { presets } = await getJson(`/api/presets?architecture=${enc(values.architecture)}&datasetId=${enc(values.dataset)}`);
    const preset = presets.find((p) => p.id === values.preset);
    if (!preset) throw new CliError(`--preset ${values.preset}: one of ${presets.map((p) => p.id).join(", ")}`);
    if (preset.note) console.error(preset.note);
    spec = { pipeline: preset.pipeline, requirements: preset.requirements };
  } else {
    const file = readJsonFile(values.pipeline, "--pipeline");
    spec = Array.isArray(file) ? { pipeline: file } : file;
    if (!Array.isArray(spec.pipeline)) throw new CliError(`--pipeline ${values.pipeline}: expected an array of stages or an object with "pipeline"`);
  }
  const training = {
    ...(spec.training ?? {}),
    ...Object.fromEntries(
      [["epochs", "--epochs"], ["trainLimit", "--train-limit"], ["testLimit", "--test-limit"], ["batchSize", "--batch-size"]]
        .map(([key, flag]) => [key, integer(values[flag.slice(2)], flag)])
        .filter(([, v]) => v !== undefined),
    ),
  };
  const requirements = { ...(spec.requirements ?? {}), ...(values.require ? parseRequirements(values.require) : {}) };
  return {
    name: values.name,
    datasetId: values.dataset,
    architecture: values.architecture,
    pipeline: values.model ? startFromModel(spec.pipeline, values.model) : spec.pipeline,
    training,
    requirements,
    ...(values.seed !== undefined ? { seed: integer(values.seed, "--seed") } : {}),
    ...(values.tag?.length ? { tags: values.tag } : {}),
    ...(values.description ? { description: values.description } : {}),
  };
}

/** --model ID: the baseline stage loads that uploaded model (POST /api/models) instead of training the architecture,
 *  as the form's Model select does. */
function startFromModel(pipeline, modelId) {
  if (pipeline[0]?.technique !== "baseline") throw new CliError("--model needs a pipeline whose stage 0 is the baseline");
  return pipeline.map((stage, i) => (i === 0 ? { ...stage, params: { ...(stage.params ?? {}), modelId } } : stage));
}

const RUN_OPTIONS = {
  model: { type: "string" },
  name: { type: "string" },
  dataset: { type: "string" },
  architecture: { type: "string" },
  preset: { type: "string" },
  pipeline: { type: "string" },
  epochs: { type: "string" },
  "train-limit": { type: "string" },
  "test-limit": { type: "string" },
  "batch-size": { type: "string" },
  seed: { type: "string" },
  tag: { type: "string", multiple: true },
  description: { type: "string" },
  require: { type: "string" },
  wait: { type: "boolean" },
};

async function run(args) {
  const { values } = parse(args, RUN_OPTIONS, { usage: "lab run --name N --dataset ID --architecture A (--preset P | --pipeline FILE) [--model ID] [--require …] [--wait] (lab --help)" });
  const created = await postJson("/api/experiments", await experimentBody(values));
  if (!values.wait) {
    if (values.json) return printJson(created);
    out(`queued run ${created.runId} (experiment ${created.experimentId}) · ${baseUrl()}/runs/${created.runId}`);
    return EXIT.ok;
  }
  process.stderr.write(`queued run ${created.runId} · ${baseUrl()}/runs/${created.runId}\n`);
  return report(await follow(created.runId), values.json);
}

/** Prints a finished run and returns the exit code the CI gates on. */
function report(finished, json) {
  const verdict = verdictOf(finished);
  if (json) printJson({ runId: finished.id, status: finished.status, error: finished.error, ...verdict, stages: finished.stages.map((s) => ({ ...s, verdict: verdict.stages.find((v) => v.index === s.index)?.verdict ?? null })) });
  else printRun(finished, verdict);
  if (finished.status !== "succeeded") {
    process.stderr.write(`lab: run ${finished.id} ${finished.status}${finished.error ? `: ${finished.error}` : ""}\n`);
    return EXIT.error;
  }
  return verdict.meetsRequirements === true ? EXIT.ok : EXIT.unmet;
}

async function status(args) {
  const { values, positionals } = parse(args, {}, { positionals: 1, usage: "lab status RUN [--json]" });
  const r = await getJson(`/api/runs/${enc(positionals[0])}`);
  const verdict = verdictOf(r);
  if (values.json) return printJson({ ...r, ...verdict, stages: r.stages.map((s) => ({ ...s, verdict: verdict.stages.find((v) => v.index === s.index)?.verdict ?? null })) });
  printRun(r, verdict);
}

async function download(args) {
  const usage = "lab download RUN [--stage N] [--kind onnx-int8|onnx-fp32|tfjs|model-card] -o FILE [--json]";
  const { values, positionals } = parse(args, { stage: { type: "string" }, kind: { type: "string" }, output: { type: "string", short: "o" } }, { positionals: 1, usage });
  if (!values.output) throw new CliError(`-o FILE is required\nusage: ${usage}`);
  const r = await getJson(`/api/runs/${enc(positionals[0])}`);
  const kind = values.kind ?? "onnx-int8";
  const stage = values.stage !== undefined ? integer(values.stage, "--stage") : verdictOf(r).shipStageIndex;
  const candidates = r.artifacts.filter((a) => a.kind === kind && (stage == null || a.stageIndex === stage));
  const artifact = candidates.at(-1);
  if (!artifact) {
    const have = r.artifacts.map((a) => `stage ${a.stageIndex} ${a.kind}`).join(", ") || "none";
    throw new CliError(`run ${r.id} has no ${kind} artifact${stage != null ? ` for stage ${stage}` : ""} (it has: ${have})`);
  }
  const response = await request("GET", `/api/artifacts/${enc(artifact.id)}`, { headers: { Accept: "*/*" } });
  // Write beside the target, check the digest, then rename: a broken download never leaves a model behind.
  const partial = `${values.output}.part`;
  const hash = createHash("sha256");
  try {
    await pipeline(Readable.fromWeb(response.body), async function* (source) {
      for await (const chunk of source) {
        hash.update(chunk);
        yield chunk;
      }
    }, createWriteStream(partial));
  } catch (e) {
    rmSync(partial, { force: true });
    throw new CliError(`download of ${artifact.fileName} failed: ${e.message}`);
  }
  const sha256 = hash.digest("hex");
  if (sha256 !== artifact.sha256) {
    rmSync(partial, { force: true });
    throw new CliError(`download of ${artifact.fileName} is corrupt: sha256 ${sha256}, expected ${artifact.sha256}`);
  }
  renameSync(partial, values.output);
  const result = { file: path.resolve(values.output), runId: r.id, stageIndex: artifact.stageIndex, kind, bytes: artifact.bytes, sha256 };
  if (values.json) return printJson(result);
  out(`wrote ${values.output}: stage ${artifact.stageIndex} ${kind}, ${artifact.bytes} bytes, sha256 ${sha256}`);
}

async function compare(args) {
  const { values, positionals } = parse(args, {}, { positionals: 1, usage: "lab compare RUN RUN… [--json]" });
  const runs = await Promise.all(positionals.map((id) => getJson(`/api/runs/${enc(id)}`)));
  if (values.json) return printJson(runs.map((r) => ({ runId: r.id, name: r.experiment?.name, status: r.status, requirements: r.requirements, ...verdictOf(r), stages: r.stages })));
  table([["run", "name", ...STAGE_HEADER], ...runs.flatMap((r) => stageRows(r, verdictOf(r), [r.id, r.experiment?.name ?? ""]))]);
  out();
  for (const r of runs) {
    const v = verdictOf(r);
    out(`${r.id}: ${v.meetsRequirements === true ? `meets the requirements (ship stage ${v.shipStageIndex})` : v.meetsRequirements === false ? "does not meet the requirements" : "no verdict yet"}`);
  }
}

const COMMANDS = { datasets, models, run, status, download, compare, sweep };

export async function main(argv) {
  const [command, ...args] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    out(HELP);
    return command ? EXIT.ok : EXIT.error;
  }
  const handler = COMMANDS[command];
  if (!handler) throw new CliError(`unknown command "${command}" (lab --help)`);
  if (args.includes("--help") || args.includes("-h")) {
    out(HELP);
    return EXIT.ok;
  }
  const code = await handler(args);
  return typeof code === "number" ? code : EXIT.ok;
}

function reportError(e) {
  if (e instanceof CliError) {
    process.stderr.write(`lab: ${e.message}\n`);
    // One issue is already the message ("Invalid request — path: message"); list them when there are more.
    if (e.issues.length > 1) for (const issue of e.issues) process.stderr.write(`  ${Array.isArray(issue.path) && issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}\n`);
  } else {
    // A bug in this client: still one line, with what would help a report.
    process.stderr.write(`lab: unexpected error: ${e?.message ?? e}\n`);
  }
  return EXIT.error;
}

// Run when executed (directly, through npx's symlink, or as `node lab.mjs`), not when imported.
const invoked = process.argv[1] ? path.resolve(process.argv[1]) : "";
const self = new URL(import.meta.url).pathname;
let isMain = invoked === self;
try {
  isMain ||= realpathSync(invoked) === self;
} catch {}
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => process.exit(reportError(e)),
  );
}
