// The Socket.IO backend: one cluster primary process and one worker per CPU (by default).
import { packageVersion as versionOf } from '../process/packages.ts';
import { startPrimary } from './server-group.ts';
import type { Backend, BackendInfo, RunningBackend, ServeOptions, StartHooks } from './types.ts';


export const socketioBackend: Backend = {
  name: 'socketio',
  label: 'Socket.IO',
  title: 'Socket.IO',
  color: '#D55E00',
  protocol: 'socketio',
  serverEntries: ['runners/backends/socketio-server.ts'],
  needsUws: false,
  defaultWorkers: (cores) => cores,
  estimatedBytesPerConn: 60_000,

  describe(): BackendInfo {
    return {
      name: this.name,
      version: versionOf('socket.io'),
      build: `socket.io@${versionOf('socket.io')} engine.io@${versionOf('engine.io')} ws@${versionOf('ws')} @socket.io/cluster-adapter@${versionOf('@socket.io/cluster-adapter')}, transports: websocket`,
    };
  },

  start(options: ServeOptions, hooks: StartHooks = {}): Promise<RunningBackend> {
    return startPrimary(() => this.describe(), 'runners/backends/socketio-server.ts', options, hooks);
  },
};
