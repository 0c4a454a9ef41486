import type { LeaseOwner } from './app/ports.js';

/** This process as the holder of outbox leases on its instance. */
export function currentLeaseOwner(instanceId: string, startedAt: Date = new Date(Date.now() - process.uptime() * 1000)): LeaseOwner {
  return { instanceId, startedAt: startedAt.toISOString(), pid: process.pid };
}

/**
 * Whether an earlier process of this instance has stopped. Its pid being ours says so (a new
 * container numbers its processes afresh); a live process under that pid may be the earlier one
 * still running (two processes on one host), so its leases are left to run out instead.
 */
export function earlierProcessGone(previous: { pid: number }): boolean {
  if (previous.pid === process.pid) return true;
  try {
    process.kill(previous.pid, 0);
    return false;
  } catch (err) {
    // EPERM: a process runs under that pid, only not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
