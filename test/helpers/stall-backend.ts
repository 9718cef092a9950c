// A misbehaving backend for fault tests, loaded into a real run through WSBENCH_EXTRA_BACKENDS:
// it completes the TLS 1.3 handshake and then never answers the WebSocket upgrade.
import { NO_QUEUE } from '../../runners/backends/queue-watch.ts';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { Backend, BackendInfo, RunningBackend } from '../../runners/backends/types.ts';

const info: BackendInfo = { name: 'stall', version: 'test', build: 'accepts TLS 1.3, never answers the WebSocket upgrade' };

const stallBackend: Backend = {
  name: 'stall',
  label: 'stall',
  title: 'a server that stalls the upgrade',
  color: '#000000',
  protocol: 'raw',
  serverEntries: [],
  needsUws: false,
  defaultWorkers: () => 1,
  estimatedBytesPerConn: 1000,
  describe: () => info,
  async start(options): Promise<RunningBackend> {
    const sockets = new Set<tls.TLSSocket>();
    const server = tls.createServer({ cert: fs.readFileSync(options.certFile), key: fs.readFileSync(options.keyFile), minVersion: 'TLSv1.3' }, (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.resume(); // reads the upgrade request, and says nothing
    });
    await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
    const port = (server.address() as AddressInfo).port;
    let stopped = false;
    return {
      info,
      url: `wss://${options.host}:${port}`,
      port,
      status: async () => ({ backend: info, processes: [], workers: [], total: { connections: sockets.size, published: 0, backpressureBytes: 0, ...NO_QUEUE } }),
      pids: () => [],
      onExit: () => undefined,
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  },
};

export default stallBackend;
