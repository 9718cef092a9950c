// The `ws` backend: Node's https with the `ws` package, one worker per CPU (by default) behind a
// node:cluster primary. Plain WebSocket frames like uWS, on the transport Socket.IO uses.
import { compiledEntry } from '../process/compile.ts';
import { packageVersion as versionOf } from '../process/packages.ts';
import { reservePort } from './ports.ts';
import { ServerGroup } from './server-group.ts';
import type { Backend, BackendInfo, RunningBackend, ServeOptions, StartHooks } from './types.ts';

export const wsBackend: Backend = {
  name: 'ws',
  label: 'ws',
  title: 'ws (Node.js)',
  color: '#009E73',
  protocol: 'raw',
  serverEntries: ['runners/backends/ws-server.ts'],
  needsUws: false,
  defaultWorkers: (cores) => cores,
  estimatedBytesPerConn: 40_000,

  describe(): BackendInfo {
    return { name: this.name, version: versionOf('ws'), build: `ws@${versionOf('ws')} on node:https ${process.version}, node:cluster` };
  },

  async start(options: ServeOptions, hooks: StartHooks = {}): Promise<RunningBackend> {
    const port = await reservePort(options.host, options.port);
    const entry = await compiledEntry('runners/backends/ws-server.ts');
    const group = new ServerGroup(this.describe(), options.host, port);
    try {
      await group.spawn(entry, { type: 'start', options: { ...options, port }, worker: 0 }, 'primary', hooks.place);
    } catch (err) {
      await group.stop();
      throw err;
    }
    group.markRunning();
    return group;
  },
};
