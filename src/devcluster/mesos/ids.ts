// Random identifiers for the emulator (stream IDs, status update UUIDs, container IDs), drawn
// from the injected Random so that runs with a seeded source are reproducible.
import type { Random } from '../../runtime/clock.ts';

export function randomBytes(random: Random, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) out[i] = Math.floor(random() * 256) & 0xff;
  return out;
}

/** 16 raw bytes shaped as a version-4 UUID (what Mesos puts in `TaskStatus.uuid`). */
export function uuidBytes(random: Random): Uint8Array {
  const b = randomBytes(random, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  return b;
}

export function uuidString(random: Random): string {
  const hex = Buffer.from(uuidBytes(random)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));
}
