// `wsbench serve`: one backend under test, alone, until Ctrl-C (for poking at it by hand or
// loading it from another machine).
import { BackendError } from '../../runners/backends/errors.ts';
import { resolveServeOptions, SERVE_DEFAULTS } from '../../runners/backends/options.ts';
import { backendHelp, BACKENDS, getBackend } from '../../runners/backends/registry.ts';
import type { ProcessExit } from '../../runners/backends/types.ts';
import { ConfigError } from '../../common/errors.ts';
import { setServerNode } from '../../runners/process/server-node.ts';
import { numberFlag, parse } from '../args.ts';
import { EXIT, type Command } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: `start one backend under test (${[...BACKENDS.keys()].join(', ')}) and keep it running`,
  help: `Usage: wsbench serve --backend NAME [options]

Serves secure WebSockets (TLS 1.3 only) and publishes a stock update every interval to every
subscribed client. Prints the wss:// URL on stdout; Ctrl-C stops. Clients pick a topic with
?topic=stocks/AAPL (plain WebSocket backends: uws, ws) or the handshake's auth/query "topic"
(Socket.IO backends); the default, stocks/#, receives every symbol.

Options:
  --backend NAME     one of (required):
${backendHelp('                       ')}
  --host ADDR        address to bind (default ${SERVE_DEFAULTS.host})
  --port N           port (default ${SERVE_DEFAULTS.port}; 0 picks a free one)
  --workers N        server processes (default: all CPUs, here ${'$'}(nproc))
  --interval-ms N    tick interval (default ${SERVE_DEFAULTS.intervalMs})
  --symbols A,B,...  symbols published each tick, one topic each (default AAPL)
  --compression      permessage-deflate on (off by default, the same for every backend)
  --cert FILE        PEM certificate (default: a self-signed ECDSA P-256 one in data/certs/)
  --key FILE         PEM private key, with --cert
  --server-node PATH run the server processes under that Node binary (default: this one, or
                     Node 20 from the npm registry when no uWS build loads in this one)

uWebSockets.js is loaded from its native binary only; set WSBENCH_UWS to the folder of an
official uWebSockets.js build to use that one (see README).

Examples:
  wsbench serve --backend uws --port 8443
  wsbench serve --backend socketio --workers 4 --symbols AAPL,MSFT,GOOG`,

  async run(argv) {
    const { values } = parse('serve', argv, {
      backend: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      workers: { type: 'string' },
      'interval-ms': { type: 'string' },
      symbols: { type: 'string' },
      compression: { type: 'boolean' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'server-node': { type: 'string' },
    });
    if (values['server-node'] !== undefined) setServerNode(values['server-node'], 'flag');
    if (!values.backend) throw new ConfigError('--backend is required (uws or socketio)');
    const backend = getBackend(values.backend);
    const options = resolveServeOptions({
      host: values.host,
      port: numberFlag('port', values.port, { min: 0, max: 65535, integer: true }),
      workers: numberFlag('workers', values.workers, { min: 1, max: 1024, integer: true }),
      intervalMs: numberFlag('interval-ms', values['interval-ms'], { min: 10, integer: true }),
      symbols: values.symbols?.split(',').map((s) => s.trim()),
      compression: values.compression,
      certFile: values.cert,
      keyFile: values.key,
    });
    const running = await backend.start(options);
    process.stdout.write(`${running.url}\n`);
    process.stderr.write(`wsbench serve: ${running.info.name} ${running.info.build}, ${options.workers} worker(s); Ctrl-C stops\n`);
    let alive = options.workers;
    const done = new Promise<number>((resolve) => {
      running.onExit((exit: ProcessExit) => {
        process.stderr.write(`wsbench serve: ${exit.role} ${exit.worker ?? ''} (pid ${exit.pid}) exited ${exit.signal ? `by ${exit.signal}` : `with code ${exit.code}`}\n`);
        if (exit.role === 'primary' || --alive === 0) resolve(EXIT.error);
      });
      process.once('SIGINT', () => resolve(EXIT.ok));
      process.once('SIGTERM', () => resolve(EXIT.ok));
    });
    const status = process.stderr.isTTY
      ? setInterval(async () => {
          try {
            const s = await running.status();
            process.stderr.write(`\r${s.total.connections} connections, ${s.total.published} messages published, ${s.total.backpressureBytes} B backpressure   `);
          } catch (err) {
            if (!(err instanceof BackendError)) throw err;
          }
        }, 1000)
      : undefined;
    const code = await done;
    if (status) clearInterval(status);
    await running.stop();
    return code;
  },
};
