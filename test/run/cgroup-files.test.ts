// What the server's cgroup writes, on both cgroup versions, against a stand-in tree
// (WSBENCH_CGROUP_ROOT): this machine mounts v1, most users' machines v2, so the v2 files
// (cgroup.subtree_control, cpuset.cpus, memory.max, cpu.max, cpu.stat in microseconds) are
// checked here, and on a real kernel by the contention and profile tests where v1 is mounted.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/fixtures.ts';

const root = tempDir('wsbench-cgroup-');
process.env.WSBENCH_CGROUP_ROOT = root;
const { CgroupJail } = await import('../../runners/run/cgroup.ts');
const read = (...parts: string[]) => fs.readFileSync(path.join(root, ...parts), 'utf8');
const reset = () => {
  for (const entry of fs.readdirSync(root)) fs.rmSync(path.join(root, entry), { recursive: true, force: true });
};

test('cgroup v2: enables its controllers below the root, then sets cpus, memory (no swap past it) and quota in the group; places by cgroup.procs; reads throttling in microseconds', () => {
  reset();
  fs.writeFileSync(path.join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  fs.writeFileSync(path.join(root, 'cgroup.subtree_control'), '');
  const jail = CgroupJail.create('wsbench-test', { memoryBytes: 3_410_000_000, cpuCores: 1.2, cpus: '1' });
  assert.equal(jail.version, 'v2');
  assert.equal(read('cgroup.subtree_control'), '+memory +cpu +cpuset');
  assert.equal(read('wsbench-test', 'cpuset.cpus'), '1');
  assert.equal(read('wsbench-test', 'memory.max'), '3410000000');
  assert.equal(read('wsbench-test', 'cpu.max'), '120000 100000');
  jail.place(4242);
  assert.equal(read('wsbench-test', 'cgroup.procs'), '4242');
  fs.writeFileSync(path.join(root, 'wsbench-test', 'cpu.stat'), 'usage_usec 900000\nuser_usec 600000\nsystem_usec 300000\nnr_periods 1245\nnr_throttled 6\nthrottled_usec 41500\n');
  assert.deepEqual(jail.cpuThrottling(), { periods: 1245, throttled: 6, throttledMs: 41.5 });
});

test('cgroup v2 without the cpuset controller: --server-cpus is refused by name', () => {
  reset();
  fs.writeFileSync(path.join(root, 'cgroup.controllers'), 'cpu io memory pids\n');
  fs.writeFileSync(path.join(root, 'cgroup.subtree_control'), '');
  assert.throws(() => CgroupJail.create('wsbench-test', { cpus: '1' }), /cgroup v2 here has no cpuset controller/);
  assert.equal(fs.existsSync(path.join(root, 'wsbench-test')), false, 'nothing created');
});

test('cgroup v1: one group per hierarchy (memory, cpu, cpuset with the parent\'s memory nodes); throttling in nanoseconds', () => {
  reset();
  for (const h of ['memory', 'cpu', 'cpuset']) fs.mkdirSync(path.join(root, h));
  fs.writeFileSync(path.join(root, 'cpuset', 'cpuset.mems'), '0\n');
  const jail = CgroupJail.create('wsbench-test', { memoryBytes: 1_000_000_000, cpuCores: 0.5, cpus: '0-1' });
  assert.equal(jail.version, 'v1');
  assert.equal(read('memory', 'wsbench-test', 'memory.limit_in_bytes'), '1000000000');
  assert.equal(read('cpu', 'wsbench-test', 'cpu.cfs_quota_us'), '50000');
  assert.equal(read('cpu', 'wsbench-test', 'cpu.cfs_period_us'), '100000');
  assert.equal(read('cpuset', 'wsbench-test', 'cpuset.mems'), '0');
  assert.equal(read('cpuset', 'wsbench-test', 'cpuset.cpus'), '0-1');
  jail.place(4242);
  for (const h of ['memory', 'cpu', 'cpuset']) assert.equal(read(h, 'wsbench-test', 'cgroup.procs'), '4242');
  fs.writeFileSync(path.join(root, 'cpu', 'wsbench-test', 'cpu.stat'), 'nr_periods 1261\nnr_throttled 650\nthrottled_time 45500000000\n');
  assert.deepEqual(jail.cpuThrottling(), { periods: 1261, throttled: 650, throttledMs: 45_500 });
});
