import { Agent, request } from 'node:http';

export interface BenchReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * The benchmarks' HTTP client: node:http on kept-alive connections (as many as there are
 * requests in flight) rather than fetch. On a 2-core machine the load generator shares the CPU
 * with what it measures, and fetch's allocations gave the generator itself 10 ms collections
 * every 0.7 s, which counted as the measured service's latency.
 */
export class KeptAliveClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 512 });

  /**
   * A request sent on a kept-alive connection that the server had just closed (idle for its
   * keep-alive timeout: between two phases of a benchmark) fails with ECONNRESET without having
   * reached it; it is sent again once on a new connection, as Node's documentation advises. Its
   * time still counts from the first try.
   */
  async call(
    baseUrl: string,
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<BenchReply> {
    const payload = body !== undefined ? JSON.stringify(body) : undefined;
    try {
      return await this.send(baseUrl, token, method, path, payload);
    } catch (error) {
      if (!(error instanceof ClosedKeptAliveConnection)) throw error;
      return this.send(baseUrl, token, method, path, payload);
    }
  }

  private send(
    baseUrl: string,
    token: string,
    method: string,
    path: string,
    payload: string | undefined,
  ): Promise<BenchReply> {
    return new Promise((resolve, reject) => {
      const sent = request(
        `${baseUrl}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload !== undefined
              ? {
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }
              : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({
                status: response.statusCode ?? 0,
                body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
              });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      sent.on('error', (error: NodeJS.ErrnoException) =>
        reject(
          sent.reusedSocket && error.code === 'ECONNRESET'
            ? new ClosedKeptAliveConnection(error)
            : error,
        ),
      );
      sent.end(payload);
    });
  }

  /** Closes the kept-alive connections (else they hold the process open). */
  close(): void {
    this.agent.destroy();
  }
}

/** The server had closed the kept-alive connection the request was sent on. */
class ClosedKeptAliveConnection extends Error {
  constructor(cause: Error) {
    super(`the kept-alive connection was closed by the server: ${cause.message}`, { cause });
    this.name = 'ClosedKeptAliveConnection';
  }
}
