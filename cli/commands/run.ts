// `wsbench run`: one scenario against one or more backends, one after another under the same
// settings, each run streamed into the database (or a remote collector) as it happens.
import type { Verdict } from '../../collector/records.ts';
import { backendHelp, DEFAULT_BACKENDS } from '../../runners/backends/registry.ts';
import type { RunOutcome } from '../../runners/run/run.ts';
import { progressWriter } from '../../runners/run/status-line.ts';
import { PRESETS } from '../../runners/scenarios/scenario.ts';
import { PROFILES } from '../../runners/scenarios/profiles.ts';
import { parse } from '../args.ts';
import { DB_HELP, type Command } from '../command.ts';
import { openLive } from '../run/live.ts';
import { planRun, RUN_OPTIONS } from '../run/plan.ts';
import { interruptOnSigint, openSink, prepareRemote, runEach, summaryTable } from '../run/session.ts';

/** Exit codes of `wsbench run`: the worst outcome over its backends. */
export const RUN_EXIT: Record<Verdict, number> = { stable: 0, unstable: 3, crashed: 4, 'client-bound': 5, aborted: 130 };
const SEVERITY: Verdict[] = ['stable', 'unstable', 'crashed', 'client-bound', 'aborted'];


export const runCommand: Command = {
  name: 'run',
  summary: 'run a load scenario against one or more backends and record it',
  help: `Usage: wsbench run [options]

Starts each backend with its sampler, ramps the clients over TLS 1.3 (TLS_AES_128_GCM_SHA256
offered alone), holds, judges the window (docs/METRICS.md) and stops; every second of it goes to
the database. Several backends run one after another under the same settings. Ctrl-C stops
cleanly and stores the run as aborted with all it sampled.

Options:
  --backend A,B          backends to run, in order (default: ${DEFAULT_BACKENDS.join(',')}), or
                         "all" for every one of:
${backendHelp('                           ')}
  --scenario NAME        ${Object.keys(PRESETS).join(', ')} (default: quick)
  --scenario-file FILE   a JSON scenario: {"extends": "quick", "connections": 5000, ...}
  --connections N        connections to hold (capacity: the ceiling)
  --steps A,B,...        capacity steps (connections held one after another)
  --rate N               connections opened per second
  --hold SEC             hold (capacity: each step's window)
  --idle SEC             sample the server with no client first, for its idle memory
                         (default 4; 0 skips it, and "memory above idle" with it)
  --base-hold SEC        hold at half the connections first: memory per added connection is
                         the slope from there to the full hold (quick: 10, at most a third
                         of --hold; 0: measured above idle instead; not with --steps, whose
                         steps are the levels)
  --interval-ms N        tick interval (default 2000)
  --late-ms N            a delivery later than this is late (default: one interval)
  --workers N            server processes (default: all CPUs, more when the open-files
                         limit needs it; a profile sets its own)
  --symbols N            spread clients over N symbols (default 1, as in the seed)
  --probes N             latency probe connections (default ~1%, at most 100)
  --compression          permessage-deflate on, for every backend
  --message-bytes SIZE   each update's size, e.g. 1k or 16k (default: the seed's ~70 bytes)
  --slow-share SHARE     this share of the connections reads slowly, e.g. 0.1; judged apart
                         from the healthy ones, whose verdict is the run's (native client)
  --slow-read SIZE       slow readers read at most SIZE bytes a second, e.g. 16k
  --slow-stall SEC       slow readers stop reading for SEC seconds...
  --slow-stall-every SEC ...out of every SEC seconds (0: one stall)
  --calm SEC             hold with every reader at full speed first, before the slow ones
                         slow down: the healthy readers' figures are set against it
  --churn SHARE          this share of the connections closes and reconnects each minute,
                         TLS handshake included, e.g. 0.1 (native client)
  --profile NAME         limit the server like: ${Object.keys(PROFILES).join(', ')} (cgroup v1 or v2; recorded
                         with the run, never presented as that hardware)
  --memory-limit SIZE    server memory limit, e.g. 3400m (overrides the profile's)
  --cpu-limit CORES      server CPU limit in cores, e.g. 1.5 (overrides the profile's)
  --server-cpus LIST     the server's own CPUs, e.g. 1 or 2-3 (a cpuset, cgroup v1 or v2); the
                         runner and load generator keep to the others. A profile picks them
                         when the machine has cores to spare, and says why not otherwise
  --connect-first        connect everyone, then start the clock
  --server-node PATH     run the servers on this machine under that Node binary (its ABI picks
                         the uWS build; recorded with the run). Without it, when no uWS build
                         loads in this Node, the servers go on Node 20 from the npm registry
  --target ssh://USER@HOST[:PORT]
                         run the server (and its sampler) on that host over ssh, with your
                         keys and ~/.ssh/config (no password prompts: BatchMode); the
                         clients stay here. Needs Node >= 20 there; wsbench copies the rest
  --ssh-config FILE      ssh_config to use instead of ~/.ssh/config (ssh -F)
  --port N               the server's port, here or on the target (default: a free one);
                         open it in a firewall between the machines
  --clients H1,H2        run the bulk client shards on these hosts (ssh://user@host or
                         user@host), a share each, each streaming its own samples; the
                         latency probes stay here. Needs --target and Node >= 20 there
  --client-addresses A,B this machine's addresses to connect to the target from, sockets
                         spread evenly (each carries at most one ephemeral port range:
                         ~28k by default, ~64k widened)
  --repeat N             run every backend N times, interleaved (uws socketio uws socketio …)
                         so the machine's drift falls on each alike; the runs form a series
                         (wsbench show SERIES gives each figure's median, range and 95%
                         interval). Default 1
  --name TEXT            run name (default: "<scenario> <backend>")
  --notes TEXT           free text stored with the run
${DB_HELP}
  --collector URL        stream to a running \`wsbench collector\` instead of --db
  --token TOKEN          bearer token for --collector (default: $WSBENCH_TOKEN)
  --client KIND          bulk connections in the native C client (default; built with the
                         system's cc and OpenSSL) or in TypeScript on ws ("node"); probes are
                         always TypeScript
  --no-spread            let the kernel pick client addresses instead of 127.x.y.z
  --per-shard N          most sockets per client process (default 15000)
  --json                 print the outcomes as JSON on stdout
  --live                 serve the runs' live pages on 127.0.0.1 (a free port; the URL is
                         printed): each backend's report, its charts and figures following
                         the run every second, and the finished runs side by side
  --live-port N          --live on port N
  --report-url URL       where the site will be served: a finished run's live page links
                         to URL/runs/ID/ (npm start passes its own)

Exit codes: 0 stable, 3 unstable, 4 crashed, 5 client-bound (invalid), 130 aborted,
2 bad usage or a failed preflight check.

Examples:
  wsbench run
  wsbench run --backend uws --scenario seed-100k
  wsbench run --backend uws,socketio --repeat 5
  wsbench run --backend uws,socketio --scenario seed-100k --live
  wsbench run --backend uws,socketio,ws,socketio-uws --scenario quick
  wsbench run --backend uws,socketio --scenario capacity --steps 5000,10000,20000 --hold 60
  wsbench run --backend uws,socketio --scenario capacity --profile pi4
  wsbench run --target ssh://ubuntu@pi.local --backend uws,socketio --scenario seed-100k`,

  async run(argv) {
    const { values } = parse('run', argv, RUN_OPTIONS);
    const plan = planRun(values);
    const progress = progressWriter();
    const remote = await prepareRemote(plan, progress);
    const sink = await openSink(plan, remote, progress);
    const live = await openLive(plan, progress).catch(async (err) => {
      await sink.close();
      throw err;
    });
    const interrupt = interruptOnSigint(RUN_EXIT.aborted);
    let outcomes: RunOutcome[];
    try {
      outcomes = await runEach(plan, remote, sink, interrupt.signal, progress, live);
    } finally {
      interrupt.release();
      await live?.close();
      await sink.close();
    }
    process.stderr.write('\n' + summaryTable(outcomes));
    if (values.json) process.stdout.write(JSON.stringify(outcomes, null, 2) + '\n');
    const worst = outcomes.reduce<Verdict>((w, o) => (SEVERITY.indexOf(o.verdict) > SEVERITY.indexOf(w) ? o.verdict : w), interrupt.signal.aborted ? 'aborted' : 'stable');
    return RUN_EXIT[worst];
  },
};
