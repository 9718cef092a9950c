// The `ws` backend: Node's https with the `ws` package, one worker per CPU (by default) behind a
// node:cluster primary. Plain WebSocket frames like uWS, on the transport Socket.IO uses.
import { packageVersion as versionOf } from '../process/packages.ts';
import { serverNode } from '../process/server-node.ts';
import { startPrimary } from './server-group.ts';
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
  estimatedBytesPerConn: 50_000, // 41–46 KB per added connection in the backends-20k reference runs

  describe(): BackendInfo {
    return { name: this.name, version: versionOf('ws'), build: `ws@${versionOf('ws')} on node:https ${serverNode().version}, node:cluster` };
  },

  start(options: ServeOptions, hooks: StartHooks = {}): Promise<RunningBackend> {
    return startPrimary(() => this.describe(), 'runners/backends/ws-server.ts', options, hooks);
  },
};
