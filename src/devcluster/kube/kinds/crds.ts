// apiextensions.k8s.io/v1 CustomResourceDefinitions: defaulting, validation (names, versions,
// schema presence, CEL compilation), the NamesAccepted/Established status the real naming
// controller writes, and the ResourceDefs a CRD makes the server serve.

import { child, invalid, notSupported, required } from '../field-errors.ts';
import type { FieldError } from '../field-errors.ts';
import { asObj, isObj, meta, str, strArray } from '../json.ts';
import type { Obj } from '../json.ts';
import type { ResourceDef } from '../resource.ts';
import { ruleCompileErrors } from '../schema/cel.ts';
import { asSchema } from '../schema/schema.ts';
import { column, nameColumn, nameOf } from '../table.ts';
import { rfc3339 } from '../time.ts';
import { builtin } from './common.ts';
import { customStrategy } from './custom.ts';

const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
export { CLEANUP_FINALIZER };

function versions(crd: Obj): Obj[] {
  const v = asObj(crd.spec).versions;
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function defaultSpec(crd: Obj): void {
  const spec = asObj(crd.spec);
  crd.spec = spec;
  const names = asObj(spec.names);
  spec.names = names;
  const kind = str(names.kind) ?? '';
  if (!names.singular && kind) names.singular = kind.toLowerCase();
  if (!names.listKind && kind) names.listKind = `${kind}List`;
  if (!isObj(spec.conversion)) spec.conversion = { strategy: 'None' };
}

function acceptedNames(crd: Obj): Obj {
  const names = asObj(asObj(crd.spec).names);
  const out: Obj = {};
  for (const k of ['plural', 'singular', 'shortNames', 'kind', 'listKind', 'categories']) if (names[k] !== undefined) out[k] = names[k];
  return out;
}

function storageVersion(crd: Obj): string | undefined {
  return str(versions(crd).find((v) => v.storage === true)?.name);
}

function condition(type: string, reason: string, message: string, now: number): Obj {
  return { type, status: 'True', lastTransitionTime: rfc3339(now), reason, message };
}

function validateCrd(crd: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const spec = asObj(crd.spec);
  const names = asObj(spec.names);
  const group = str(spec.group) ?? '';
  const plural = str(names.plural) ?? '';
  if (!group) errs.push(required('spec.group'));
  else if (!group.includes('.')) errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  if (!plural) errs.push(required('spec.names.plural'));
  if (!str(names.kind)) errs.push(required('spec.names.kind'));
  if (nameOf(crd) !== `${plural}.${group}`) errs.push(invalid('metadata.name', nameOf(crd), 'must be spec.names.plural+"."+spec.group'));
  const scope = str(spec.scope) ?? '';
  if (scope !== 'Namespaced' && scope !== 'Cluster') errs.push(notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  if (old && str(asObj(old.spec).scope) !== scope) errs.push(invalid('spec.scope', scope, 'field is immutable'));
  const vs = versions(crd);
  if (vs.filter((v) => v.storage === true).length !== 1) {
    errs.push(invalid('spec.versions', spec.versions ?? [], 'must have exactly one version marked as storage version'));
  }
  vs.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    if (!str(v.name)) errs.push(required(`${at}.name`));
    const schema = asSchema(asObj(v.schema).openAPIV3Schema);
    if (!schema) {
      errs.push(required(`${at}.schema.openAPIV3Schema`, 'schemas are required'));
      return;
    }
    if (schema.type !== 'object') errs.push(invalid(`${at}.schema.openAPIV3Schema.type`, schema.type ?? '', 'must be object at the root'));
    errs.push(...ruleCompileErrors(schema, `${at}.schema.openAPIV3Schema`));
    const cols = Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns.filter(isObj) : [];
    cols.forEach((c, j) => {
      const path = str(c.jsonPath) ?? '';
      if (!path.startsWith('.')) errs.push(invalid(child(`${at}.additionalPrinterColumns[${j}]`, 'jsonPath'), path, 'must be a simple json path starting with .'));
    });
  });
  return errs;
}

export function crdsDef(): ResourceDef {
  return builtin({
    group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', singular: 'customresourcedefinition',
    kind: 'CustomResourceDefinition', namespaced: false, shortNames: ['crd', 'crds'],
  }, {
    prepareCreate(obj, ctx) {
      defaultSpec(obj);
      const stored = storageVersion(obj);
      obj.status = {
        conditions: [
          condition('NamesAccepted', 'NoConflicts', 'no conflicts found', ctx.now),
          condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted', ctx.now),
        ],
        acceptedNames: acceptedNames(obj),
        storedVersions: stored ? [stored] : [],
      };
    },
    prepareUpdate(obj, _old, ctx) {
      defaultSpec(obj);
      if (ctx.subresource === 'status') return;
      // The naming controller and storage-version tracking keep status in step with the spec.
      const status = asObj(obj.status);
      obj.status = status;
      status.acceptedNames = acceptedNames(obj);
      const stored = storageVersion(obj);
      const storedVersions = strArray(status.storedVersions);
      if (stored && !storedVersions.includes(stored)) status.storedVersions = [...storedVersions, stored];
    },
    validate: (obj, old) => validateCrd(obj, old),
    table: () => ({
      columns: [nameColumn(), column('Created At', 'date', 'CreationTimestamp is a timestamp representing the server time when this object was created.')],
      cells: (o) => [nameOf(o), str(meta(o).creationTimestamp) ?? ''],
    }),
    fieldLabels: (o) => ({ 'metadata.name': nameOf(o) }),
  }, { statusSubresource: true, generation: true, allowUnconditionalUpdate: false, deleteReturnsObject: true });
}

/** The resources a CRD serves: one ResourceDef per served version. */
export function defsFromCrd(crd: Obj): ResourceDef[] {
  const spec = asObj(crd.spec);
  const names = asObj(spec.names);
  const group = str(spec.group) ?? '';
  const plural = str(names.plural) ?? '';
  const kind = str(names.kind) ?? '';
  return versions(crd).filter((v) => v.served !== false && str(v.name)).map((v): ResourceDef => ({
    group,
    version: str(v.name) ?? '',
    plural,
    singular: str(names.singular) ?? kind.toLowerCase(),
    kind,
    listKind: str(names.listKind) ?? `${kind}List`,
    namespaced: spec.scope !== 'Cluster',
    shortNames: strArray(names.shortNames),
    categories: strArray(names.categories),
    statusSubresource: isObj(asObj(v.subresources).status),
    extraSubresources: [],
    storage: `${group}/${plural}`,
    generation: true,
    allowUnconditionalUpdate: false,
    allowCreateOnUpdate: false,
    strategicMerge: false,
    nameRule: 'subdomain',
    deleteReturnsObject: false,
    crd: nameOf(crd),
    strategy: customStrategy(asSchema(asObj(v.schema).openAPIV3Schema), v.additionalPrinterColumns),
  }));
}
