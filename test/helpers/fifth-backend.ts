// A fifth backend that exists only in the tests, registered through WSBENCH_EXTRA_BACKENDS: one
// process serving `ws` over https with no cluster. It proves a backend is one complete entry: a
// real run of it, and its pages on a built site, need no edit anywhere else.
import { compiledEntry } from '../../runners/process/compile.ts';
import { packageVersion } from '../../runners/process/packages.ts';
import { reservePort } from '../../runners/backends/ports.ts';
import { ServerGroup } from '../../runners/backends/server-group.ts';
import type { Backend, BackendInfo, RunningBackend } from '../../runners/backends/types.ts';

const fifthBackend: Backend = {
  name: 'ws-single',
  label: 'ws, one process',
  title: 'ws in a single process',
  color: '#E69F00',
  protocol: 'raw',
  serverEntries: ['test/helpers/fifth-server.ts'],
  needsUws: false,
  defaultWorkers: () => 1,
  estimatedBytesPerConn: 40_000,

  describe(): BackendInfo {
    return { name: this.name, version: packageVersion('ws'), build: `ws@${packageVersion('ws')} in one process (test fixture)` };
  },

  async start(options, hooks = {}): Promise<RunningBackend> {
    const port = await reservePort(options.host, options.port);
    const group = new ServerGroup(this.describe(), options.host, port);
    try {
      await group.spawn(await compiledEntry('test/helpers/fifth-server.ts'), { type: 'start', options: { ...options, port }, worker: 0 }, 'worker', hooks.place);
    } catch (err) {
      await group.stop();
      throw err;
    }
    group.markRunning();
    return group;
  },
};

export default fifthBackend;
