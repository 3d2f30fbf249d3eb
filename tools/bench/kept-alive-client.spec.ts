import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { KeptAliveClient } from './kept-alive-client.js';

describe('the benchmarks’ kept-alive client', () => {
  let server: Server;
  let baseUrl: string;
  /** Per request: the connection it came on, and whether the server dropped it unanswered. */
  const seen: { connection: number; dropped: boolean }[] = [];
  /** The server drops the next request that comes on a connection already used. */
  let dropOnReusedConnection = false;
  let dropEverything = false;

  beforeAll(async () => {
    let connections = 0;
    const requestsOn = new WeakMap<object, number>();
    server = createServer((request, response) => {
      const socket = request.socket;
      const previous = requestsOn.get(socket) ?? 0;
      if (previous === 0) connections++;
      requestsOn.set(socket, previous + 1);
      const connection = connections;
      if (dropEverything || (dropOnReusedConnection && previous > 0)) {
        dropOnReusedConnection = false;
        seen.push({ connection, dropped: true });
        socket.destroy(); // as a server whose keep-alive timeout closed the connection
        return;
      }
      seen.push({ connection, dropped: false });
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            method: request.method,
            authorization: request.headers.authorization,
            received: body ? (JSON.parse(body) as unknown) : null,
          }),
        );
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((closed) => server.close(closed));
  });

  beforeEach(() => {
    seen.length = 0;
    dropOnReusedConnection = false;
    dropEverything = false;
  });

  it('sends the command with the bearer token on one kept-alive connection', async () => {
    const client = new KeptAliveClient();
    try {
      const first = await client.call(baseUrl, 'token-1', 'POST', '/api/risk/risks', {
        title: 'A',
      });
      const second = await client.call(baseUrl, 'token-1', 'GET', '/api/risk/risks');

      expect(first).toEqual({
        status: 201,
        body: { method: 'POST', authorization: 'Bearer token-1', received: { title: 'A' } },
      });
      expect(second.body).toEqual({
        method: 'GET',
        authorization: 'Bearer token-1',
        received: null,
      });
      expect(seen.map((s) => s.connection)).toEqual([seen[0]!.connection, seen[0]!.connection]);
    } finally {
      client.close();
    }
  });

  it('sends a request again on a new connection when the kept-alive one was closed under it', async () => {
    const client = new KeptAliveClient();
    try {
      await client.call(baseUrl, 't', 'GET', '/health');
      dropOnReusedConnection = true;

      const reply = await client.call(baseUrl, 't', 'POST', '/api/risk/risks', { title: 'B' });

      expect(reply.status).toBe(201);
      expect(reply.body['received']).toEqual({ title: 'B' });
      expect(seen.map((s) => s.dropped)).toEqual([false, true, false]);
      expect(seen[2]!.connection).not.toBe(seen[1]!.connection);
    } finally {
      client.close();
    }
  });

  it('does not send again when a new connection fails: that is the server’s answer', async () => {
    const client = new KeptAliveClient();
    try {
      dropEverything = true;

      await expect(client.call(baseUrl, 't', 'GET', '/health')).rejects.toMatchObject({
        code: 'ECONNRESET',
      });
      expect(seen).toHaveLength(1);
    } finally {
      client.close();
    }
  });
});
