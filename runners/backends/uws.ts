// The uWebSockets.js backend: one worker process per CPU (by default), all on one port.
import { compiledEntry } from '../process/compile.ts';
import { reservePort } from './ports.ts';
import { ServerGroup } from './server-group.ts';
import type { Backend, BackendInfo, RunningBackend, ServeOptions, StartHooks } from './types.ts';
import { uwsForServers } from './uws-for-servers.ts';

export const uwsBackend: Backend = {
  name: 'uws',
  label: 'uWS',
  title: 'uWebSockets.js',
  color: '#0072B2',
  protocol: 'raw',
  serverEntries: ['runners/backends/uws-worker.ts'],
  needsUws: true,
  defaultWorkers: (cores) => cores,
  estimatedBytesPerConn: 10_000,

  describe(): BackendInfo {
    const loaded = uwsForServers();
    return { name: this.name, version: loaded.version, build: loaded.build };
  },

  async start(options: ServeOptions, hooks: StartHooks = {}): Promise<RunningBackend> {
    // The port first: a port in use is the user's one-line error, before anything about the build.
    const port = await reservePort(options.host, options.port);
    const loaded = uwsForServers();
    const entry = await compiledEntry('runners/backends/uws-worker.ts');
    const group = new ServerGroup({ name: this.name, version: loaded.version, build: loaded.build }, options.host, port);
    try {
      for (let worker = 0; worker < options.workers; worker++) {
        await group.spawn(entry, { type: 'start', options: { ...options, port }, worker, native: loaded.binary }, 'worker', hooks.place);
      }
    } catch (err) {
      await group.stop();
      throw err;
    }
    group.markRunning();
    return group;
  },
};
