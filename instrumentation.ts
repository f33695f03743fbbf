// Runs once when the server starts (Next has already bound its port by then): refuse to serve beyond loopback
// without authentication — by the configured HOST, and by the address the server actually listens on; then hand
// the page cache its data version (lib/page-cache-version.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { boundRefusal, listenRefusal } = await import("./lib/auth/listen");
  const refusal = listenRefusal() ?? (await boundRefusal());
  if (refusal) {
    console.error(refusal);
    process.exit(1);
  }
  const { registerPageCacheVersion } = await import("./lib/page-cache-version");
  registerPageCacheVersion();
}
