// Types of scripts/test-services.mjs.
export interface TestService {
  url: string;
  stop: () => Promise<void>;
  note: string;
}
export function ensureRedis(url: string, options?: { explicit?: boolean }): Promise<TestService>;
export function ensurePostgres(url: string, options?: { explicit?: boolean }): Promise<TestService>;
