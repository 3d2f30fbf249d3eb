/**
 * Retries an assertion until it passes or the time is up (then rethrows its last failure).
 * For adapters that deliver asynchronously: a Kafka consumer group needs seconds to join.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) {
        if (error instanceof Error)
          error.message = `Not true after ${timeoutMs} ms: ${error.message}`;
        throw error;
      }
    }
    await pause(intervalMs);
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise with its resolve/reject at hand, for holding a handler at a known point. */
export interface Gate<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function gate<T = void>(): Gate<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
