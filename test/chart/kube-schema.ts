// Offline validation of rendered manifests against the Kubernetes schemas of their kinds, as
// strict as `kubectl apply --validate=strict`:
// - types, formats, enums and required fields from kubernetes-models (the OpenAPI schemas of
//   Kubernetes, and of the Prometheus Operator's CRDs from @kubernetes-models/prometheus-operator);
// - unknown fields, which those schemas let through: for built-in kinds from the field lists of
//   @kubernetes/client-node's generated models (the same OpenAPI document), for the Prometheus
//   Operator's kinds from small strict schemas of the fields the chart uses.
import * as k8s from '@kubernetes/client-node';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { Manifest } from './helm.ts';

interface Model { validate(): void }
type ModelClass = new (data: never) => Model;

/** apiVersion/kind → the kubernetes-models class and, for built-in kinds, the client-node model. */
const KINDS: Record<string, { model: ModelClass; fields?: string }> = {
  'v1/ConfigMap': { model: ConfigMap, fields: 'V1ConfigMap' },
  'v1/Pod': { model: Pod, fields: 'V1Pod' },
  'v1/Service': { model: Service, fields: 'V1Service' },
  'v1/ServiceAccount': { model: ServiceAccount, fields: 'V1ServiceAccount' },
  'apps/v1/Deployment': { model: Deployment, fields: 'V1Deployment' },
  'rbac.authorization.k8s.io/v1/ClusterRole': { model: ClusterRole, fields: 'V1ClusterRole' },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { model: ClusterRoleBinding, fields: 'V1ClusterRoleBinding' },
  'rbac.authorization.k8s.io/v1/Role': { model: Role, fields: 'V1Role' },
  'rbac.authorization.k8s.io/v1/RoleBinding': { model: RoleBinding, fields: 'V1RoleBinding' },
  'policy/v1/PodDisruptionBudget': { model: PodDisruptionBudget, fields: 'V1PodDisruptionBudget' },
  'networking.k8s.io/v1/Ingress': { model: Ingress, fields: 'V1Ingress' },
  'networking.k8s.io/v1/NetworkPolicy': { model: NetworkPolicy, fields: 'V1NetworkPolicy' },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { model: CustomResourceDefinition, fields: 'V1CustomResourceDefinition' },
  'monitoring.coreos.com/v1/PrometheusRule': { model: PrometheusRule },
  'monitoring.coreos.com/v1/ServiceMonitor': { model: ServiceMonitor },
};

/** Problems of one manifest; empty when it is valid. */
export function validateManifest(manifest: Manifest): string[] {
  const key = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
  const kind = KINDS[key];
  if (kind === undefined) return [`no schema for ${key}: add the kind to test/chart/kube-schema.ts`];
  const problems: string[] = [];
  try {
    new kind.model(manifest as never).validate();
  } catch (error) {
    problems.push(...(error as Error).message.split(', '));
  }
  if (kind.fields !== undefined) unknownFields(manifest, kind.fields, '', problems);
  else problems.push(...strictCustomResource(key, manifest));
  return problems;
}

// ---- unknown fields of built-in kinds, from client-node's models ----

interface Attribute { baseName: string; type: string }
type ModelTypes = Record<string, { getAttributeTypeMap?: () => Attribute[] } | undefined>;
const models = k8s as unknown as ModelTypes;
const SCALARS = new Set(['string', 'number', 'boolean', 'Date', 'any', 'IntOrString', 'object']);

function unknownFields(value: unknown, type: string, path: string, problems: string[]): void {
  if (value === null || value === undefined || SCALARS.has(type)) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => unknownFields(item, array[1]!, `${path}[${i}]`, problems));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) unknownFields(v, map[1]!, `${path}[${k}]`, problems);
    return;
  }
  const attributes = models[type]?.getAttributeTypeMap?.();
  if (attributes === undefined) throw new Error(`client-node has no model ${type} (at ${path || '/'})`);
  if (typeof value !== 'object' || Array.isArray(value)) return; // a type error; kubernetes-models reports it
  for (const [k, v] of Object.entries(value)) {
    const attribute = attributes.find((a) => a.baseName === k);
    if (attribute === undefined) problems.push(`${path}/${k}: unknown field "${k}" (${type})`);
    else unknownFields(v, attribute.type, `${path}/${k}`, problems);
  }
}

// ---- unknown fields of the Prometheus Operator's kinds: the fields the chart uses, strictly ----

const meta = { type: 'object' };
const strict = (properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> =>
  ({ type: 'object', additionalProperties: false, properties, required });
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

const CR_SCHEMAS: Record<string, Record<string, unknown>> = {
  'monitoring.coreos.com/v1/ServiceMonitor': strict({
    apiVersion: { const: 'monitoring.coreos.com/v1' }, kind: { const: 'ServiceMonitor' }, metadata: meta,
    spec: strict({
      selector: strict({ matchLabels: stringMap }),
      namespaceSelector: strict({ matchNames: { type: 'array', items: { type: 'string' } } }),
      endpoints: { type: 'array', minItems: 1, items: strict({ port: { type: 'string' }, path: { type: 'string' }, interval: { type: 'string' }, scrapeTimeout: { type: 'string' } }, ['port']) },
    }, ['selector', 'endpoints']),
  }, ['apiVersion', 'kind', 'metadata', 'spec']),
  'monitoring.coreos.com/v1/PrometheusRule': strict({
    apiVersion: { const: 'monitoring.coreos.com/v1' }, kind: { const: 'PrometheusRule' }, metadata: meta,
    spec: strict({
      groups: {
        type: 'array', minItems: 1,
        items: strict({
          name: { type: 'string' },
          rules: {
            type: 'array', minItems: 1,
            items: strict({ alert: { type: 'string' }, expr: { type: 'string' }, for: { type: 'string' }, labels: stringMap, annotations: stringMap }, ['alert', 'expr']),
          },
        }, ['name', 'rules']),
      },
    }, ['groups']),
  }, ['apiVersion', 'kind', 'metadata', 'spec']),
};

const ajv = new Ajv({ allErrors: true });
const crValidators = new Map<string, ValidateFunction>();

function strictCustomResource(key: string, manifest: Manifest): string[] {
  const schema = CR_SCHEMAS[key];
  if (schema === undefined) return [`no strict schema for ${key}`];
  let validate = crValidators.get(key);
  if (validate === undefined) crValidators.set(key, validate = ajv.compile(schema));
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''}`);
}
