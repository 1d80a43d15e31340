// core/v1 Pods, as far as clients of the emulated kubelet see them: the status subresource, the
// `log` subresource (served by pod-log.ts), defaults (restartPolicy Always, a 30 s grace period),
// a new pod starts Pending, the validation of what the kubelet needs (containers with names and
// images), a spec that cannot change once created, graceful deletion, and `kubectl get pods`'s
// columns (READY, STATUS as kubectl derives it, RESTARTS, AGE).

import { duplicate, forbidden, invalid, notSupported, required } from '../field-errors.ts';
import type { FieldError } from '../field-errors.ts';
import { asObj, deepEqual, isObj, meta, num, str } from '../json.ts';
import type { Obj } from '../json.ts';
import type { ResourceDef } from '../resource.ts';
import { ageColumn, column, nameColumn, nameOf } from '../table.ts';
import { ageCell } from '../time.ts';
import { builtin, metadataFieldLabels } from './common.ts';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
export const DEFAULT_GRACE_SECONDS = 30;
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The pod's containers (spec.containers), each an object. */
export function containersOf(pod: Obj): Obj[] {
  const list = asObj(pod.spec).containers;
  return Array.isArray(list) ? list.filter(isObj) : [];
}

function validateSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const list = spec.containers;
  if (!Array.isArray(list) || list.length === 0) errs.push(required('spec.containers', ''));
  const seen = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((c: unknown, i) => {
    const container = asObj(c);
    const name = str(container.name);
    if (name === undefined || name === '') errs.push(required(`spec.containers[${i}].name`, ''));
    else if (!CONTAINER_NAME.test(name) || name.length > 63) errs.push(invalid(`spec.containers[${i}].name`, name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
    else if (seen.has(name)) errs.push(duplicate(`spec.containers[${i}].name`, name));
    if (name !== undefined) seen.add(name);
    if (!str(container.image)) errs.push(required(`spec.containers[${i}].image`, ''));
  });
  const policy = str(spec.restartPolicy);
  if (policy !== undefined && !RESTART_POLICIES.includes(policy)) errs.push(notSupported('spec.restartPolicy', policy, RESTART_POLICIES));
  const grace = spec.terminationGracePeriodSeconds;
  if (grace !== undefined && !(typeof grace === 'number' && Number.isInteger(grace) && grace >= 0)) {
    errs.push(invalid('spec.terminationGracePeriodSeconds', grace, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** STATUS as `kubectl get pods` prints it: the pod's reason, a container's waiting or terminated reason, or the phase. */
export function podStatusText(pod: Obj): string {
  const status = asObj(pod.status);
  if (meta(pod).deletionTimestamp) return 'Terminating';
  let reason = str(status.reason) ?? str(status.phase) ?? 'Pending';
  for (const c of Array.isArray(status.containerStatuses) ? status.containerStatuses.filter(isObj) : []) {
    const state = asObj(c.state);
    const waiting = str(asObj(state.waiting).reason);
    const terminated = asObj(state.terminated);
    if (waiting !== undefined && waiting !== '') reason = waiting;
    else if (isObj(state.terminated)) reason = str(terminated.reason) ?? `ExitCode:${num(terminated.exitCode) ?? 0}`;
  }
  return reason;
}

function readyText(pod: Obj): string {
  const statuses = asObj(pod.status).containerStatuses;
  const ready = Array.isArray(statuses) ? statuses.filter((c) => isObj(c) && c.ready === true).length : 0;
  return `${ready}/${containersOf(pod).length}`;
}

function restarts(pod: Obj): number {
  const statuses = asObj(pod.status).containerStatuses;
  return Array.isArray(statuses) ? statuses.reduce((n: number, c) => n + (num(asObj(c).restartCount) ?? 0), 0) : 0;
}

export function podsDef(): ResourceDef {
  return builtin({ group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'] }, {
    prepareCreate(obj) {
      obj.status = { phase: 'Pending', qosClass: 'Burstable' };
    },
    applyDefaults(obj) {
      const spec = asObj(obj.spec);
      spec.restartPolicy ??= 'Always';
      spec.terminationGracePeriodSeconds ??= DEFAULT_GRACE_SECONDS;
      spec.dnsPolicy ??= 'ClusterFirst';
      spec.schedulerName ??= 'default-scheduler';
      obj.spec = spec;
    },
    validate(obj, old) {
      const errs = validateSpec(asObj(obj.spec));
      // Only the kubelet's binding (spec.nodeName) may change a pod's spec here.
      if (old !== undefined && !deepEqual({ ...asObj(obj.spec), nodeName: undefined }, { ...asObj(old.spec), nodeName: undefined })) {
        errs.push(forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
      }
      return errs;
    },
    deletionGraceSeconds(obj, requested) {
      // A pod no node runs goes at once, as does one deleted with a grace period of 0 (--force).
      if (!str(asObj(obj.spec).nodeName)) return 0;
      return requested ?? num(asObj(obj.spec).terminationGracePeriodSeconds) ?? DEFAULT_GRACE_SECONDS;
    },
    table: () => ({
      columns: [
        nameColumn(), column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
        column('Status', 'string', 'The aggregate status of the containers in this pod.'),
        column('Restarts', 'string', 'The number of times the containers in this pod have been restarted.'), ageColumn(),
        column('IP', 'string', 'The IP address assigned to the pod', 1), column('Node', 'string', 'The name of the node assigned to the pod', 1),
      ],
      cells: (o, now) => [
        nameOf(o), readyText(o), podStatusText(o), String(restarts(o)), ageCell(meta(o).creationTimestamp, now),
        str(asObj(o.status).podIP) ?? '<none>', str(asObj(o.spec).nodeName) ?? '<none>',
      ],
    }),
    fieldLabels: (o) => ({ ...metadataFieldLabels(o), 'spec.nodeName': str(asObj(o.spec).nodeName) ?? '', 'status.phase': str(asObj(o.status).phase) ?? '' }),
  }, { statusSubresource: true, extraSubresources: ['log'] });
}
