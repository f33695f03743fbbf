// Types of scripts/services.mjs.
export function redisAnswers(url: string, timeoutMs?: number): Promise<boolean>;
export function freePort(): Promise<number>;
