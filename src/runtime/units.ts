// Amounts as people read them, in the UI, status messages and logs alike.

/** Memory with its unit: `896 MiB`, `1408 MiB`, `12.5 GiB` (GiB from 10 GiB up, where MiB stop being read). */
export function formatMiB(mib: number): string {
  if (mib < 10 * 1024) return `${Math.round(mib)} MiB`;
  return `${(mib / 1024).toFixed(1).replace(/\.0$/, '')} GiB`;
}

/** `1 CPU`, `0.5 CPU`, `2 CPUs`. */
export function formatCpus(cpus: number): string {
  return `${cpus} CPU${cpus > 1 ? 's' : ''}`;
}
