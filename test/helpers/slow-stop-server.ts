// A cluster backend's server entry (runners/backends/cluster.ts) whose workers take 4 s of
// synchronous work to stop, longer than the 3 s the server group waits before SIGTERM: what
// Socket.IO does closing tens of thousands of sockets. Closing its listener afterwards tells the
// primary through the cluster channel, which is the message that found the primary gone.
import { NO_QUEUE } from '../../runners/backends/queue-watch.ts';
import fs from 'node:fs';
import https from 'node:https';
import { runCluster } from '../../runners/backends/cluster.ts';

runCluster('slow-stop', (start) => {
  const server = https.createServer({ key: fs.readFileSync(start.options.keyFile), cert: fs.readFileSync(start.options.certFile) });
  return {
    listen(ready, fail) {
      server.once('error', (err) => fail(err.message));
      server.listen(start.options.port, start.options.host, ready);
    },
    status: () => ({ connections: 0, published: 0, backpressureBytes: 0, ...NO_QUEUE, lastTick: null, lastPublishLagMs: null }),
    stop() {
      const until = Date.now() + 4000;
      while (Date.now() < until);
      server.close();
    },
  };
});
