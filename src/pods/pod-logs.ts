// A driver pod's log, read through the API server (`pods/<name>/log`, as `kubectl logs` reads
// it) with the offsets of the Mesos agent's files API that the dispatcher's log pages and the
// kubectl plugin speak: offset -1 answers the size, else the bytes from the offset. The container
// runtime keeps one log per container: stdout and stderr together.
import { isNotFound } from '../kube/api-error.ts';
import { KubeApiError } from '../kube/api-error.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { DRIVER_CONTAINER, PODS } from './translation.ts';

export interface PodRef { readonly namespace: string; readonly name: string }

export type PodLogRead =
  | { readonly kind: 'read'; readonly offset: number; readonly data: string }
  /** The pod is gone (deleted, or collected with its SparkDriver). */
  | { readonly kind: 'missing' }
  /** The container has not started: its log will come. */
  | { readonly kind: 'waiting'; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string };

export interface PodLogReader {
  read(pod: PodRef, offset: number, length?: number): Promise<PodLogRead>;
}

export class PodLogs implements PodLogReader {
  private readonly kube: KubeClient;

  constructor(kube: KubeClient) {
    this.kube = kube;
  }

  async read(pod: PodRef, offset: number, length?: number): Promise<PodLogRead> {
    let text: string;
    try {
      // The whole log: the API server has no byte offsets (limitBytes bounds a read from the start).
      const limit = offset >= 0 && length !== undefined ? { limitBytes: offset + length } : {};
      text = await this.kube.getText({ ...PODS, ...pod }, 'log', { container: DRIVER_CONTAINER, ...limit });
    } catch (error) {
      if (isNotFound(error)) return { kind: 'missing' };
      // 400: "container … is waiting to start" — the one answer that means "not yet".
      if (error instanceof KubeApiError && error.code === 400) return { kind: 'waiting', message: error.message };
      return { kind: 'unreachable', message: (error as Error).message };
    }
    const bytes = Buffer.from(text, 'utf8');
    if (offset < 0) return { kind: 'read', offset: bytes.length, data: '' };
    const end = length === undefined ? bytes.length : Math.min(bytes.length, offset + length);
    return { kind: 'read', offset, data: bytes.subarray(Math.min(offset, bytes.length), end).toString('utf8') };
  }
}
