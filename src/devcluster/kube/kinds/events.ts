// Events, served as core/v1 and as events.k8s.io/v1 over one storage (the core shape), as the real
// server does, so an event written through either API shows up in `kubectl describe`.

import { invalid, required } from '../field-errors.ts';
import type { FieldError } from '../field-errors.ts';
import { asObj, isObj, meta, str } from '../json.ts';
import type { Obj } from '../json.ts';
import { qualifiedNameErrors } from '../names.ts';
import type { KindStrategy, ResourceDef } from '../resource.ts';
import { column } from '../table.ts';
import { ageCell, microTimeError, parseTime, rfc3339 } from '../time.ts';
import { builtin } from './common.ts';

const STORAGE = '/events';

/** MicroTime fields (eventTime, series.lastObservedTime) are checked while decoding: a 400. */
function decodeError(version: string, o: Obj): string | undefined {
  for (const v of [o.eventTime, asObj(o.series).lastObservedTime]) {
    if (v === undefined || v === null) continue;
    const err = typeof v === 'string' ? microTimeError(v) : 'invalid MicroTime';
    if (err) return `Event in version "${version}" cannot be handled as a Event: ${err}`;
  }
  return undefined;
}

/** metav1.Time fields accept fractions on input and are stored in whole seconds. */
function truncateTimes(obj: Obj, fields: readonly string[]): void {
  for (const f of fields) {
    const t = parseTime(obj[f]);
    if (t !== undefined) obj[f] = rfc3339(t);
  }
}

function coreLabels(o: Obj): Record<string, string> {
  const io = asObj(o.involvedObject);
  const m = meta(o);
  const s = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    'metadata.name': s(m.name), 'metadata.namespace': s(m.namespace),
    'involvedObject.kind': s(io.kind), 'involvedObject.namespace': s(io.namespace), 'involvedObject.name': s(io.name),
    'involvedObject.uid': s(io.uid), 'involvedObject.apiVersion': s(io.apiVersion),
    'involvedObject.resourceVersion': s(io.resourceVersion), 'involvedObject.fieldPath': s(io.fieldPath),
    'reason': s(o.reason), 'reportingComponent': s(o.reportingComponent), 'source': s(asObj(o.source).component), 'type': s(o.type),
  };
}

function lastSeen(o: Obj, now: number): string {
  const series = asObj(o.series);
  if (series.lastObservedTime) return ageCell(series.lastObservedTime, now);
  if (o.lastTimestamp) return ageCell(o.lastTimestamp, now);
  return ageCell(o.eventTime, now);
}

const coreTable = (): ReturnType<KindStrategy['table']> => ({
  columns: [
    column('Last Seen', 'string'), column('Type', 'string'), column('Reason', 'string'), column('Object', 'string'),
    column('Subobject', 'string', '', 1), column('Source', 'string', '', 1), column('Message', 'string'),
    column('First Seen', 'string', '', 1), column('Count', 'string', '', 1), column('Name', 'string', '', 1),
  ],
  cells: (o, now) => {
    const io = asObj(o.involvedObject);
    const src = asObj(o.source);
    const source = str(src.component) ? [src.component, src.host].filter((x) => typeof x === 'string' && x).join(', ') : str(o.reportingController) ?? '';
    const count = typeof asObj(o.series).count === 'number' ? asObj(o.series).count : o.count;
    return [
      lastSeen(o, now), str(o.type) ?? '', str(o.reason) ?? '', `${(str(io.kind) ?? '').toLowerCase()}/${str(io.name) ?? ''}`,
      str(io.fieldPath) ?? '', source, str(o.message) ?? '', o.firstTimestamp ? ageCell(o.firstTimestamp, now) : lastSeen(o, now),
      typeof count === 'number' ? String(count) : '1', str(meta(o).name) ?? '',
    ];
  },
});

function validateCore(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(meta(o).namespace) ?? '';
  const ioNs = str(asObj(o.involvedObject).namespace) ?? '';
  if (!o.eventTime) {
    if (ioNs ? ioNs !== ns : ns !== '' && ns !== 'default') errs.push(invalid('involvedObject.namespace', ioNs, 'does not match event.namespace'));
    return errs;
  }
  if (!ioNs && ns !== 'default' && ns !== 'kube-system') errs.push(invalid('involvedObject.namespace', ioNs, 'does not match event.namespace'));
  const rc = str(o.reportingComponent) ?? '';
  if (!rc) errs.push(required('reportingComponent'));
  for (const m of qualifiedNameErrors(rc)) if (rc) errs.push(invalid('reportingComponent', rc, m));
  if (!str(o.reportingInstance)) errs.push(required('reportingInstance'));
  if (!str(o.action)) errs.push(required('action'));
  if (!str(o.reason)) errs.push(required('reason'));
  return errs;
}

export function coreEventsDef(): ResourceDef {
  return builtin({ group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], storage: STORAGE }, {
    decodeError: (o) => decodeError('v1', o),
    prepareCreate: (o) => truncateTimes(o, ['firstTimestamp', 'lastTimestamp']),
    prepareUpdate: (o) => truncateTimes(o, ['firstTimestamp', 'lastTimestamp']),
    validate: (o) => validateCore(o),
    table: coreTable,
    fieldLabels: coreLabels,
  }, { allowCreateOnUpdate: true, nameRule: 'any' });
}

const RENAMES: [core: string, v1: string][] = [
  ['involvedObject', 'regarding'], ['message', 'note'], ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'], ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'], ['count', 'deprecatedCount'],
];
const SAME = ['metadata', 'eventTime', 'series', 'reportingInstance', 'action', 'reason', 'related', 'type'];

export function toEventsV1(core: Obj): Obj {
  const out: Obj = { apiVersion: 'events.k8s.io/v1', kind: 'Event' };
  for (const k of SAME) if (core[k] !== undefined) out[k] = core[k];
  for (const [c, v] of RENAMES) if (core[c] !== undefined) out[v] = core[c];
  return out;
}

export function toCoreEvent(v1: Obj): Obj {
  const out: Obj = { apiVersion: 'v1', kind: 'Event' };
  for (const k of SAME) if (v1[k] !== undefined) out[k] = v1[k];
  for (const [c, v] of RENAMES) if (v1[v] !== undefined) out[c] = v1[v];
  if (!isObj(out.involvedObject)) out.involvedObject = {};
  return out;
}

function validateV1(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(meta(o).namespace) ?? '';
  const rNs = str(asObj(o.regarding).namespace) ?? '';
  if (!rNs && ns !== 'default' && ns !== 'kube-system') errs.push(invalid('regarding.namespace', rNs, 'does not match event.namespace'));
  const rc = str(o.reportingController) ?? '';
  if (!rc) errs.push(required('reportingController'));
  for (const m of qualifiedNameErrors(rc)) if (rc) errs.push(invalid('reportingController', rc, m));
  if (!str(o.reportingInstance)) errs.push(required('reportingInstance'));
  if (!str(o.action)) errs.push(required('action'));
  if (!str(o.reason)) errs.push(required('reason'));
  if (!o.eventTime) errs.push(required('eventTime'));
  if (o.type !== 'Normal' && o.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${str(o.type) ?? ''}`));
  for (const f of ['deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount', 'deprecatedSource']) {
    if (o[f] !== undefined && o[f] !== null) errs.push(invalid(f, '', 'needs to be unset'));
  }
  return errs;
}

export function eventsV1Def(): ResourceDef {
  const table = coreTable();
  return builtin({ group: 'events.k8s.io', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], storage: STORAGE }, {
    decodeError: (o) => decodeError('v1', o),
    validate: (o, old) => (old ? [] : validateV1(o)),
    table: () => ({ columns: table.columns, cells: (o, now) => table.cells(toCoreEvent(o), now) }),
    fieldLabels: (o) => coreLabels(toCoreEvent(o)),
    toStorage: toCoreEvent,
    fromStorage: toEventsV1,
  }, { allowCreateOnUpdate: true });
}
