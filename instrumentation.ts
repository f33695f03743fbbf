// Runs once when the server starts: refuse to serve beyond loopback without authentication.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { listenRefusal } = await import("./lib/auth/listen");
  const refusal = listenRefusal();
  if (refusal) {
    console.error(refusal);
    process.exit(1);
  }
}
