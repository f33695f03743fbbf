// Keeps one child process alive: when it dies (OOM, a native crash, kill -9) the reason is logged and it is
// started again after a back-off — 1 s, doubling to 30 s, back to 1 s once a child has lived a minute — so a
// worker that crashes at start-up does not spin, and one that crashed once after hours restarts at once.
// npm start (scripts/start.mjs) supervises the worker with it, so a dead worker never takes the web server down.

export const BACKOFF = { firstMs: 1_000, maxMs: 30_000, healthyAfterMs: 60_000 };

/** The wait before the next start, given the previous wait (0 before the first crash) and how long the child lived. */
export function restartDelay(previousMs, livedMs, backoff = BACKOFF) {
  if (previousMs === 0 || livedMs >= backoff.healthyAfterMs) return backoff.firstMs;
  return Math.min(previousMs * 2, backoff.maxMs);
}

/** Why a child ended, as a person reads it. */
export function describeExit(code, signal) {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/**
 * Starts `start()` (which returns a ChildProcess) and restarts it whenever it dies, until stop().
 * `log` gets one line per start and per death.
 */
export function supervise(name, start, { backoff = BACKOFF, log = (line) => console.log(line) } = {}) {
  let child;
  let delay = 0;
  let timer;
  let stopped = false;

  const launch = () => {
    timer = undefined;
    const startedAt = Date.now();
    const current = start();
    child = current;
    let ended = false;
    const onEnd = (why) => {
      if (ended) return;
      ended = true;
      if (stopped) return;
      delay = restartDelay(delay, Date.now() - startedAt, backoff);
      log(`${name} died (${why}); restarting in ${delay / 1000}s`);
      timer = setTimeout(launch, delay);
    };
    current.on("spawn", () => log(`${name} started (pid ${current.pid})`));
    current.on("exit", (code, signal) => onEnd(describeExit(code, signal)));
    // A failed spawn emits "error" and no "exit".
    current.on("error", (e) => onEnd(`could not start: ${e.message}`));
  };
  launch();

  return {
    get pid() {
      return child?.pid;
    },
    /** No more restarts; sends `signal` to a running child and resolves when it has exited. */
    stop(signal = "SIGTERM") {
      stopped = true;
      if (timer) clearTimeout(timer);
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null || current.pid === undefined) return Promise.resolve();
      return new Promise((resolve) => {
        current.once("exit", () => resolve());
        current.kill(signal);
      });
    },
  };
}
