// The training backends by name, with no imports: lib/env.ts (LAB_BACKEND) and backend selection read the one list.

/** What a user may ask for: a backend, or "auto" (onednn, else tensorflow, else wasm). */
export const BACKEND_NAMES = ["auto", "onednn", "tensorflow", "wasm", "cpu"] as const;
export type BackendRequest = (typeof BACKEND_NAMES)[number];

/** A backend that actually runs: what a request resolves to ("auto" never does). */
export type BackendName = Exclude<BackendRequest, "auto">;
