/** Errors that the same job cannot get past by trying again (the run fails at once, without retries). */
export class PermanentError extends Error {}
