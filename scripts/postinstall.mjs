// After npm install: generate the Prisma clients, then build the native training backend (which prints one
// line and carries on when libdnnl or a compiler is missing: the app then trains on wasm).
import { spawnSync } from "node:child_process";

for (const script of ["prisma/generate.mjs", "lib/ml/backend/native/build.mjs"]) {
  const r = spawnSync(process.execPath, [script], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
