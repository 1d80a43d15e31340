// The ScheduledSparkDriver CustomResourceDefinition, generated like SparkDriver's from the zod
// schemas the controller validates with. The template's schema is SparkDriver's spec schema with
// its transition rules (immutability: `oldSelf`) left out, since a template may be edited, and
// with the template rules added. Pure; scripts/generate-crds.ts writes it out.

import { stringify } from 'yaml';
import { jsonSchemaOf } from '../sparkdriver/crd.ts';
import type { JsonSchema } from '../kube/structural-schema.ts';
import { MAX_NAME_LENGTH, SCHEDULED_SPARK_DRIVER, scheduledSpecSchema, TEMPLATE_RULES } from './scheduled-spark-driver.ts';
import { scheduledStatusSchema } from './scheduled-status.ts';

export const SCHEDULED_CRD_NAME = `${SCHEDULED_SPARK_DRIVER.plural}.${SCHEDULED_SPARK_DRIVER.group}`;
export const SCHEDULED_CRD_FILE = `crds/${SCHEDULED_SPARK_DRIVER.group}_${SCHEDULED_SPARK_DRIVER.plural}.yaml`;

const ready = (field: 'status' | 'reason'): string => `.status.conditions[?(@.type=="Ready")].${field}`;

/** `kubectl get ssd`: CronJob's columns, and the next time (a string: a date column cannot show the future). */
export const SCHEDULED_PRINTER_COLUMNS = [
  { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
  { name: 'Suspend', type: 'boolean', jsonPath: '.spec.suspend' },
  { name: 'Active', type: 'integer', jsonPath: '.status.activeCount', description: 'Runs not finished yet.' },
  { name: 'Last Schedule', type: 'date', jsonPath: '.status.lastScheduleTime', description: 'How long ago the last run was scheduled.' },
  { name: 'Next Schedule', type: 'string', jsonPath: '.status.nextScheduleTime', description: 'When the next run is due.' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Time Zone', type: 'string', priority: 1, jsonPath: '.spec.timeZone' },
  { name: 'Last Successful', type: 'date', priority: 1, jsonPath: '.status.lastSuccessfulTime' },
  { name: 'Ready', type: 'string', priority: 1, jsonPath: ready('status') },
  { name: 'Reason', type: 'string', priority: 1, jsonPath: ready('reason') },
] as const;

/** `schema` without the CEL rules that compare with the old object, anywhere below it. */
export function withoutTransitionRules(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'x-kubernetes-validations' && Array.isArray(value)) {
      const kept = value.filter((v: { rule?: string }) => !/\boldSelf\b/.test(v.rule ?? ''));
      if (kept.length > 0) out[key] = kept;
    } else if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, withoutTransitionRules(v)]));
    } else if ((key === 'items' || key === 'additionalProperties') && typeof value === 'object' && value !== null) {
      out[key] = withoutTransitionRules(value as JsonSchema);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function specSchema(): JsonSchema {
  const spec = jsonSchemaOf(scheduledSpecSchema);
  const properties = spec.properties as Record<string, JsonSchema>;
  const template = withoutTransitionRules(properties.template!);
  properties.template = { ...template, 'x-kubernetes-validations': [...TEMPLATE_RULES] };
  return spec;
}

export function scheduledOpenApiSchema(): JsonSchema {
  return {
    description: 'ScheduledSparkDriver creates SparkDrivers on a cron schedule, with Kubernetes CronJob semantics (spark-mesos-dispatcher).',
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { type: 'object', properties: { name: { type: 'string', maxLength: MAX_NAME_LENGTH } } },
      spec: specSchema(),
      status: { description: 'Observed state, written by the operator.', ...jsonSchemaOf(scheduledStatusSchema) },
    },
  };
}

export function scheduledCrd(): JsonSchema {
  const r = SCHEDULED_SPARK_DRIVER;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: SCHEDULED_CRD_NAME,
      labels: { 'app.kubernetes.io/name': 'spark-mesos-dispatcher', 'app.kubernetes.io/part-of': 'spark-mesos-dispatcher' },
    },
    spec: {
      group: r.group,
      scope: 'Namespaced',
      names: { kind: r.kind, listKind: r.listKind, plural: r.plural, singular: r.singular, shortNames: [...r.shortNames], categories: [...r.categories] },
      versions: [{
        name: r.version,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: SCHEDULED_PRINTER_COLUMNS.map((c) => ({ ...c })),
        schema: { openAPIV3Schema: scheduledOpenApiSchema() },
      }],
    },
  };
}

const HEADER = [
  '# Generated by `make crds` from src/scheduled/scheduled-spark-driver.ts and scheduled-status.ts (the template',
  '# from src/sparkdriver/sparkdriver.ts). Do not edit; test/scheduled/crd.test.ts fails when they drift apart.',
  '',
].join('\n');

export function scheduledCrdYaml(): string {
  return `${HEADER}${stringify(scheduledCrd(), { lineWidth: 0 })}`;
}
