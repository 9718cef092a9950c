// Whether a process with this pid exists: signal 0 checks without sending anything.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of another user has that pid, so something is alive there.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
