// The Dockerfile cannot be built here (no engine), so what made it fail or serve unauthenticated is checked on
// its text: the install CI uses (npm ci rejects this lock), no file that no longer exists, -H given explicitly.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dockerfile = readFileSync("Dockerfile", "utf8");
const instructions = dockerfile.split("\n").filter((l) => /^[A-Z]+ /.test(l));

describe("Dockerfile", () => {
  it("installs as .ci/run does, without the CUDA download, and never with npm ci", () => {
    const ci = readFileSync(".ci/run", "utf8");
    const install = "npm install --no-audit --no-fund --no-save";
    expect(ci).toContain(`ONNXRUNTIME_NODE_INSTALL=skip ${install}`);
    expect(instructions).toContain(`RUN ONNXRUNTIME_NODE_INSTALL=skip ${install}`);
    expect(instructions.join("\n")).not.toMatch(/npm ci/);
  });

  it("copies only files that exist", () => {
    for (const line of instructions.filter((l) => l.startsWith("COPY ") && !l.startsWith("COPY . ."))) {
      for (const source of line.split(/\s+/).slice(1, -1)) expect(existsSync(source), source).toBe(true);
    }
  });

  it("binds every address explicitly, with HOST saying so, so that the server demands LAB_PASSWORD", () => {
    expect(instructions).toContain("ENV HOST=0.0.0.0");
    const cmd = JSON.parse(instructions.find((l) => l.startsWith("CMD "))!.slice(4)) as string[];
    // scripts/web-server.mjs HOST PORT PROCESSES: next start in WEB_PROCESSES processes, as npm start runs it
    expect(cmd.at(-1)).toBe('exec node scripts/web-server.mjs 0.0.0.0 3000 "$WEB_PROCESSES"');
    expect(instructions.some((l) => /^ENV WEB_PROCESSES=\d+$/.test(l))).toBe(true);
  });
});
