// Kubernetes RBAC authorization, as the API server decides it, over the Roles, ClusterRoles and
// bindings a chart renders, for one ServiceAccount: which bound rules allow a request, and the
// list of everything granted, one (rule, group, resource, verb) at a time.
import type { Manifest } from './helm.ts';

export interface ResourceRequest {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource: string;
  /** Empty for a request across all namespaces (or a cluster-scoped one). */
  readonly namespace: string;
  /** Empty when the request names no object (list, watch, create). */
  readonly name: string;
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A rule as bound to the subject: where it applies ('*': everywhere, through a ClusterRoleBinding). */
export interface BoundRule {
  readonly role: string;
  readonly index: number;
  readonly scope: string;
  readonly rule: Rule;
}

/** One thing granted: a verb on a (sub)resource of a group, by a bound rule. */
export interface Grant {
  readonly bound: BoundRule;
  readonly group: string;
  readonly resource: string;
  readonly verb: string;
}

export const describeRequest = (r: ResourceRequest): string =>
  `${r.verb} ${r.group || 'core'}/${r.resource}${r.subresource ? `/${r.subresource}` : ''} in ${r.namespace || '(all namespaces)'}${r.name ? ` name=${r.name}` : ''}`;

export const describeGrant = (g: Grant): string =>
  `${g.bound.role}#${g.bound.index} (${g.bound.scope === '*' ? 'cluster-wide' : g.bound.scope}): ${g.verb} ${g.group || 'core'}/${g.resource}${g.bound.rule.resourceNames ? ` names=${g.bound.rule.resourceNames.join(',')}` : ''}`;

export class Rbac {
  readonly bound: BoundRule[] = [];
  /** Bindings whose role the chart does not render (the API server would grant nothing). */
  readonly dangling: string[] = [];

  constructor(manifests: readonly Manifest[], subject: { namespace: string; name: string }) {
    const roles = new Map<string, Manifest>();
    for (const m of manifests) {
      if (m.kind === 'ClusterRole') roles.set(`ClusterRole/${m.metadata.name}`, m);
      if (m.kind === 'Role') roles.set(`Role/${m.metadata.namespace}/${m.metadata.name}`, m);
    }
    for (const binding of manifests.filter((m) => m.kind === 'RoleBinding' || m.kind === 'ClusterRoleBinding')) {
      const forSubject = (binding.subjects as Manifest[] | undefined ?? [])
        .some((s) => s.kind === 'ServiceAccount' && s.name === subject.name && s.namespace === subject.namespace);
      if (!forSubject) continue;
      const ref = binding.roleRef as Manifest;
      const clusterWide = binding.kind === 'ClusterRoleBinding';
      const key = ref.kind === 'ClusterRole' ? `ClusterRole/${ref.name}` : `Role/${binding.metadata.namespace}/${ref.name}`;
      const role = roles.get(key);
      if (role === undefined || (clusterWide && ref.kind !== 'ClusterRole')) {
        this.dangling.push(`${binding.kind}/${binding.metadata.name} → ${key}`);
        continue;
      }
      (role.rules as Rule[] ?? []).forEach((rule, index) => {
        this.bound.push({ role: key, index, scope: clusterWide ? '*' : binding.metadata.namespace as string, rule });
      });
    }
  }

  /** The bound rules that allow the request; empty: forbidden. */
  allowing(request: ResourceRequest): BoundRule[] {
    const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
    return this.bound.filter(({ scope, rule }) =>
      (scope === '*' || (request.namespace !== '' && scope === request.namespace))
      && (rule.apiGroups ?? []).some((g) => g === '*' || g === request.group)
      && (rule.resources ?? []).some((r) => r === '*' || r === resource)
      && rule.verbs.some((v) => v === '*' || v === request.verb)
      && (rule.resourceNames === undefined || rule.resourceNames.length === 0 || (request.name !== '' && rule.resourceNames.includes(request.name))));
  }

  /** Everything granted, one verb on one (sub)resource of one group per entry. */
  grants(): Grant[] {
    return this.bound.flatMap((bound) => (bound.rule.apiGroups ?? []).flatMap((group) => (bound.rule.resources ?? [])
      .flatMap((resource) => bound.rule.verbs.map((verb) => ({ bound, group, resource, verb })))));
  }

  /** Whether a request is what the grant allows (and its rule allows it). */
  static uses(grant: Grant, request: ResourceRequest, allowing: readonly BoundRule[]): boolean {
    const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
    return allowing.includes(grant.bound) && grant.group === request.group && grant.resource === resource && grant.verb === request.verb;
  }
}
