import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { parseGatewayEnv } from '../config/env.schema';
import { OutboundDispatchers } from '../outbound/outbound-dispatchers';
import type { KiroHttpRequest } from './kiro-transport';
import { UndiciKiroTransport } from './undici-kiro-transport';

/** A server that answers or drops each request in turn, and remembers the connection of each. */
class ScriptedServer {
  readonly connections: number[] = [];
  private readonly sockets = new WeakMap<Socket, number>();
  private opened = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly script: Array<'answer' | 'drop'>,
  ) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  static async start(script: Array<'answer' | 'drop'>): Promise<ScriptedServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ScriptedServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, script);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let id = this.sockets.get(req.socket);
    if (id === undefined) this.sockets.set(req.socket, (id = ++this.opened));
    this.connections.push(id);
    req.resume();
    req.on('end', () => {
      if ((this.script.shift() ?? 'answer') === 'drop') req.socket.destroy();
      else res.end('ok');
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe(UndiciKiroTransport.name, () => {
  let server: ScriptedServer;
  let transport: UndiciKiroTransport;
  const post = (): KiroHttpRequest => ({
    method: 'POST',
    url: `${server.url}/generateAssistantResponse`,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: new AbortController().signal,
    headersTimeoutMs: 5000,
    bodyTimeoutMs: 5000,
  });
  /** One request; resolves once undici has had the turn of the event loop in which it pools the socket again. */
  const call = async (): Promise<string> => {
    const res = await transport.send(post());
    const text = await res.text();
    await new Promise((resolve) => setImmediate(resolve));
    return text;
  };

  beforeEach(() => {
    transport = new UndiciKiroTransport(parseGatewayEnv({ PROXY_API_KEY: 'k'.repeat(20) }));
  });
  afterEach(async () => {
    await transport.onApplicationShutdown();
    await server.close();
  });

  it('reuses its connection for consecutive requests', async () => {
    server = await ScriptedServer.start([]);

    expect([await call(), await call(), await call()]).toEqual(['ok', 'ok', 'ok']);
    expect(server.connections).toEqual([1, 1, 1]);
  });

  it('sends a request again on a new connection when its reused connection is closed before any byte', async () => {
    server = await ScriptedServer.start(['answer', 'drop']);
    await call();

    await expect(call()).resolves.toBe('ok');
    expect(server.connections).toEqual([1, 1, 2]);
  });

  it('sends it again only once', async () => {
    server = await ScriptedServer.start(['answer', 'drop', 'drop', 'answer']);
    await call();

    await expect(call()).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
    expect(server.connections).toEqual([1, 1, 2]);
  });

  it('does not send again a request whose new connection was closed: the server saw it fresh', async () => {
    server = await ScriptedServer.start(['drop', 'answer']);

    await expect(call()).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
    expect(server.connections).toEqual([1]);
  });

  it('does not send again a request its caller aborted', async () => {
    server = await ScriptedServer.start(['answer', 'drop']);
    await call();
    const abort = new AbortController();
    const sent = transport.send({ ...post(), signal: abort.signal });
    abort.abort();

    await expect(sent).rejects.toBeDefined();
    expect(server.connections.length).toBeLessThanOrEqual(2);
  });

  describe('through a proxy (an account\'s own, OutboundDispatchers)', () => {
    let proxy: ConnectProxy;
    let dispatchers: OutboundDispatchers;
    const viaProxy = async (): Promise<string> => {
      const res = await transport.send({ ...post(), proxy: proxy.url });
      const text = await res.text();
      await new Promise((resolve) => setImmediate(resolve));
      return text;
    };

    beforeEach(async () => {
      proxy = await ConnectProxy.start();
      dispatchers = new OutboundDispatchers({ httpsProxy: undefined, httpProxy: undefined, noProxy: undefined });
      await transport.onApplicationShutdown();
      transport = new UndiciKiroTransport(parseGatewayEnv({ PROXY_API_KEY: 'k'.repeat(20) }), dispatchers);
    });
    afterEach(async () => {
      await dispatchers.close();
      await proxy.close();
    });

    it('keeps its tunnel alive for consecutive requests', async () => {
      server = await ScriptedServer.start([]);

      expect([await viaProxy(), await viaProxy(), await viaProxy()]).toEqual(['ok', 'ok', 'ok']);
      expect(server.connections).toEqual([1, 1, 1]);
      expect(proxy.tunnels).toBe(1);
    });

    it('sends a request again once, through the same proxy on a new tunnel, when its reused tunnel is closed before any byte', async () => {
      server = await ScriptedServer.start(['answer', 'drop']);
      await viaProxy();

      await expect(viaProxy()).resolves.toBe('ok');
      expect(server.connections).toEqual([1, 1, 2]);
      expect(proxy.tunnels).toBe(2);
    });
  });
});

/** An HTTP proxy that only tunnels (CONNECT), counting its tunnels. */
class ConnectProxy {
  tunnels = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.tunnels++;
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
  }

  static async start(): Promise<ConnectProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ConnectProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
