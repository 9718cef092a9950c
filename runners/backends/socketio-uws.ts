// Socket.IO on uWebSockets.js: the same Socket.IO server, rooms and cluster adapter as the
// "socketio" backend, with uWS's SSLApp in place of Node's https and `ws` (io.attachApp). Set
// beside the other three it separates what Socket.IO's protocol costs from what its transport does.
import { packageVersion as versionOf } from '../process/packages.ts';
import { startPrimary } from './server-group.ts';
import type { Backend, BackendInfo, RunningBackend, ServeOptions, StartHooks } from './types.ts';
import { uwsForServers } from './uws-for-servers.ts';

export const socketioUwsBackend: Backend = {
  name: 'socketio-uws',
  label: 'Socket.IO on uWS',
  title: 'Socket.IO on uWebSockets.js',
  color: '#CC79A7',
  protocol: 'socketio',
  serverEntries: ['runners/backends/socketio-server.ts'],
  needsUws: true,
  defaultWorkers: (cores) => cores,
  estimatedBytesPerConn: 20_000, // 11 KB per added connection in the backends-20k reference runs

  describe(): BackendInfo {
    const loaded = uwsForServers();
    return {
      name: this.name,
      version: versionOf('socket.io'),
      build: `socket.io@${versionOf('socket.io')} engine.io@${versionOf('engine.io')} @socket.io/cluster-adapter@${versionOf('@socket.io/cluster-adapter')} on ${loaded.build}, transports: websocket`,
    };
  },

  start(options: ServeOptions, hooks: StartHooks = {}): Promise<RunningBackend> {
    return startPrimary(() => this.describe(), 'runners/backends/socketio-server.ts', options, hooks, () => uwsForServers().binary);
  },
};
