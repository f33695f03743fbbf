// A PostgreSQL server of a test's own (initdb in a temp folder, its own port), so a test can restart it
// without disturbing the shared server other tests use. Needs Debian's postgresql binaries; as root the
// server runs as the postgres user (PostgreSQL refuses to run as root).
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function pgBin(name: string): string {
  const root = "/usr/lib/postgresql";
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return path.join(root, version, "bin", name);
}

export interface PrivatePostgres {
  url: string;
  restart: () => void;
  stop: () => void;
}

export function privatePostgresAvailable(): boolean {
  return existsSync("/usr/lib/postgresql") && existsSync(pgBin("initdb"));
}

export function startPrivatePostgres(port: number): PrivatePostgres {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lab-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = userIds("postgres");
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (bin: string, args: string[]) =>
    execFileSync(asRoot ? "runuser" : bin, asRoot ? ["-u", "postgres", "--", bin, ...args] : args, { stdio: "pipe", cwd: os.tmpdir() });
  const data = path.join(dir, "data");
  run(pgBin("initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const ctl = (action: string, extra: string[] = []) =>
    run(pgBin("pg_ctl"), ["-D", data, "-w", "-l", path.join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, ...extra, action]);
  ctl("start");
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    restart: () => ctl("restart", ["-m", "fast"]),
    stop: () => {
      ctl("stop", ["-m", "immediate"]);
      rmSync(dir, { recursive: true, force: true }); // its data folder: npm test starts one per run
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, name]).toString().trim());
  return { uid: id("-u"), gid: id("-g") };
}
