import type { NextConfig } from "next";

const config: NextConfig = {
  // Native and Node-only packages are loaded at run time rather than bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "bullmq", "ioredis", "onnxruntime-node"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project (tsc --noEmit) once; building does not repeat it.
  typescript: { ignoreBuildErrors: true },
};

export default config;
