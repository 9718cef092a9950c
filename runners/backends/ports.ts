// Port checks done before any server process starts, so "in use" is one clear error instead of
// a worker that silently shares a port (uWS sets SO_REUSEPORT) or one that fails alone.
import net from 'node:net';
import { BackendError } from './errors.ts';

/** Verifies `port` is free on `host` (or picks a free one for port 0) and returns it. */
export function reservePort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new BackendError('port-in-use', `port ${port} is already in use on ${host}`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new BackendError('start-failed', `${host} is not an address of this machine`));
      else reject(new BackendError('start-failed', `cannot listen on ${host}:${port}: ${err.message}`));
    });
    probe.listen({ host, port, exclusive: true }, () => {
      const chosen = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(chosen));
    });
  });
}
