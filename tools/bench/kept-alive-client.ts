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

  call(
    baseUrl: string,
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<BenchReply> {
    const payload = body !== undefined ? JSON.stringify(body) : undefined;
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
      sent.on('error', reject);
      sent.end(payload);
    });
  }

  /** Closes the kept-alive connections (else they hold the process open). */
  close(): void {
    this.agent.destroy();
  }
}
