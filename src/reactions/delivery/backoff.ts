// Retries of a delivery: exponential backoff with jitter: half of each wait fixed, half random (so that many failed
// deliveries do not retry in step), up to a limit.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 5 * 60_000 };

/** The wait after failed attempt `attempt` (1-based), or undefined when the delivery gives up. `random` in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
