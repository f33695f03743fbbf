/**
 * The official ONNX checker (`onnx.checker.check_model(path, full_check=True)`, Debian's python3-onnx),
 * run in a child process. Used by the test suite and the benchmark; the app does not need Python.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env } from "../env";

const SCRIPT = "import sys, onnx; onnx.checker.check_model(sys.argv[1], full_check=True); print(onnx.__version__)";

let python: string | null | undefined;

/** A Python interpreter that can `import onnx` ($ONNX_PYTHON, python3 on PATH, or Debian's /usr/bin/python3). */
export function findOnnxPython(): string | null {
  if (python !== undefined) return python;
  const candidates = [env().ONNX_PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => !!p);
  python = candidates.find((p) => spawnSync(p, ["-c", "import onnx"], { stdio: "ignore" }).status === 0) ?? null;
  return python;
}

export interface CheckResult {
  ok: boolean;
  message: string;
}

export function checkOnnx(src: Uint8Array | string): CheckResult {
  const py = findOnnxPython();
  if (!py) return { ok: false, message: "no Python with the onnx package (install python3-onnx or set ONNX_PYTHON)" };
  let dir: string | undefined;
  let path = src as string;
  if (typeof src !== "string") {
    dir = mkdtempSync(join(tmpdir(), "onnx-check-"));
    path = join(dir, "model.onnx");
    writeFileSync(path, src);
  }
  try {
    const r = spawnSync(py, ["-c", SCRIPT, path], { encoding: "utf8" });
    if (r.status === 0) return { ok: true, message: `onnx ${r.stdout.trim()} checker: ok` };
    return { ok: false, message: (r.stderr || r.stdout || `exit ${r.status}`).trim().split("\n").slice(-3).join("\n") };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
