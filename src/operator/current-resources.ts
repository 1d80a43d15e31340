// The resources as the API server has them now: a fresh, paged list of every watched namespace,
// for the new leader to restore its scheduler from. The informer's cache may be behind (a watch
// cut, a relist in backoff), and a status the previous leader wrote after the cache last heard
// would then be unknown: a task Mesos already forgot would be reconciled as lost.
import type { Clock, Random } from '../runtime/clock.ts';
import { backoffDelayMs, type BackoffPolicy } from '../runtime/backoff.ts';
import { isRetryable } from '../kube/api-error.ts';
import type { KubeClient, KubeObject, ResourceType } from '../kube/kube-client.ts';

const PAGE = 500;
const TRIES = 6;
const BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 3_000 };

export interface CurrentResourcesOptions {
  kube: KubeClient;
  resource: ResourceType;
  /** Empty or absent: all namespaces. */
  namespaces?: readonly string[] | undefined;
  clock: Clock;
  random: Random;
}

/** Every resource of the type, read now; passing failures are tried again a few times. */
export async function currentResources(o: CurrentResourcesOptions): Promise<KubeObject[]> {
  const scopes = o.namespaces !== undefined && o.namespaces.length > 0 ? [...new Set(o.namespaces)] : [undefined];
  const items: KubeObject[] = [];
  for (const namespace of scopes) items.push(...await listAll(o, namespace));
  return items;
}

async function listAll(o: CurrentResourcesOptions, namespace: string | undefined): Promise<KubeObject[]> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const items: KubeObject[] = [];
      let next: string | undefined;
      do {
        const page = await o.kube.list(o.resource, { ...(namespace !== undefined && { namespace }), limit: PAGE, ...(next !== undefined && { continue: next }) });
        items.push(...page.items);
        next = page.continue;
      } while (next !== undefined && next !== '');
      return items;
    } catch (error) {
      if (!isRetryable(error) || attempt + 1 >= TRIES) throw error;
    }
    await new Promise<void>((resolve) => o.clock.setTimer(backoffDelayMs(attempt, BACKOFF, o.random), resolve));
  }
}
