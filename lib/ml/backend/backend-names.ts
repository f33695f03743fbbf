export const BACKEND_NAMES = ["auto","onednn","tensorflow","wasm","cpu"] as const;
