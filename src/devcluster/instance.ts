// One `make run` per work directory and per machine: before touching anything, claim the work
// directory with a pid file (created exclusively, so two starts cannot both win) and check that
// the fixed ports are free. A pid file whose process is gone (or is no longer a `make run`) is
// stale and taken over; one whose process lives means "already running". The pid file goes when
// the instance stops.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface InstanceRecord {
  readonly pid: number;
  readonly kubeconfig: string;
}

export type Claim =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly running: InstanceRecord };

/** Whether `pid` is a live `make run` (where /proc can tell; elsewhere, any live process). */
function isLiveInstance(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('devcluster/run.ts');
  } catch {
    return true;
  }
}

function readRecord(pidFile: string): InstanceRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(pidFile, 'utf8')) as Partial<InstanceRecord>;
    return typeof record.pid === 'number' && typeof record.kubeconfig === 'string' ? { pid: record.pid, kubeconfig: record.kubeconfig } : undefined;
  } catch {
    return undefined;
  }
}

/** Claims the work directory for this process, or names the live instance that holds it. */
export function claimInstance(pidFile: string, kubeconfig: string): Claim {
  const record: InstanceRecord = { pid: process.pid, kubeconfig };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(pidFile, `${JSON.stringify(record)}\n`, { flag: 'wx' });
      return {
        ok: true,
        release: () => {
          // Only our own file: never one another instance wrote after ours was taken over.
          if (readRecord(pidFile)?.pid === process.pid) unlinkSync(pidFile);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readRecord(pidFile);
    if (holder !== undefined && holder.pid !== process.pid && isLiveInstance(holder.pid)) return { ok: false, running: holder };
    // Stale (its process is gone) or unreadable: take it over.
    unlinkSync(pidFile);
  }
  throw new Error(`cannot claim ${pidFile}: another make run is starting at the same moment`);
}

/** The ports (with what they are for) that something else already listens on. */
export async function busyPorts(host: string, ports: Readonly<Record<string, number>>): Promise<string[]> {
  const busy: string[] = [];
  for (const [what, port] of Object.entries(ports)) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
    if (!free) busy.push(`${port} (${what})`);
  }
  return busy;
}
