// The uWS build the server processes will load. When they run on the Node running wsbench it is
// found here; on another Node (--server-node, or the registry's Node 20 when no build loads here)
// that Node finds it itself, since its ABI picks the binary.
import { execFileSync } from 'node:child_process';
import { compiledEntrySync } from '../process/compile.ts';
import { registryNode, serverNode, setServerNode, type ServerNode } from '../process/server-node.ts';
import { BackendError } from './errors.ts';
import { glibcVersion, loadUws, UWS_OVERRIDE_ENV } from './uws-loader.ts';

export interface UwsForServers {
  binary: string;
  version: string;
  build: string;
}

const probed = new Map<string, UwsForServers>();

export function uwsForServers(say: (line: string) => void = (line) => process.stderr.write(`wsbench: ${line}\n`)): UwsForServers {
  let node = serverNode();
  if (node.source === 'this') {
    try {
      return loadUws();
    } catch (err) {
      // A build the user named (WSBENCH_UWS) that does not load is their error to see, not to route around.
      if (!(err instanceof BackendError) || err.code !== 'unavailable' || process.env[UWS_OVERRIDE_ENV]) throw err;
      node = onRegistryNode(err, say);
    }
  }
  return probeIn(node);
}

/** No build loads in this Node: run the servers on the registry's Node 20, or say every way out. */
function onRegistryNode(why: BackendError, say: (line: string) => void): ServerNode {
  let file: string;
  try {
    file = registryNode(say);
  } catch (err) {
    throw new BackendError('unavailable', `${why.message}\nNode 20 from the npm registry could not be fetched to run the servers either (${(err as Error).message}).\nFix: --server-node /path/to/node-20, run wsbench itself under Node 20, or leave out the uWS-based backends (--backend socketio,ws).`);
  }
  const node = setServerNode(file, 'registry');
  say(`! no uWebSockets.js build loads on Node ${process.version} here (${process.platform} ${process.arch}, glibc ${glibcVersion()}): the servers go on Node ${node.version} from the npm registry (${node.path}), recorded with each run; --server-node PATH picks another`);
  return node;
}

function probeIn(node: ServerNode): UwsForServers {
  const known = probed.get(node.path);
  if (known) return known;
  let answer: { ok: true; binary: string; version: string; build: string } | { ok: false; message: string };
  try {
    const out = execFileSync(node.path, [compiledEntrySync('runners/backends/uws-probe.ts')], { timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim().split('\n').pop()!;
    answer = JSON.parse(out) as typeof answer;
  } catch (err) {
    const detail = ((err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message).split('\n')[0];
    throw new BackendError('unavailable', `uWebSockets.js: looking for a build in ${node.path} (Node ${node.version}) failed: ${detail}`);
  }
  if (!answer.ok) throw new BackendError('unavailable', `${answer.message}\n(the servers run on ${node.path}, Node ${node.version}${node.source === 'flag' ? ', from --server-node' : ''})`);
  const found = { binary: answer.binary, version: answer.version, build: `${answer.build} on Node ${node.version}` };
  probed.set(node.path, found);
  return found;
}
