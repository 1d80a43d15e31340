// The strategy of a custom resource version: pruning, defaulting and validation from the CRD's
// structural schema and CEL rules, printer columns, and the field selectors CRs support.

import { invalid } from '../field-errors.ts';
import type { FieldError } from '../field-errors.ts';
import type { Obj } from '../json.ts';
import type { KindStrategy, WriteContext } from '../resource.ts';
import { validateRules } from '../schema/cel.ts';
import { applyDefaults, prune } from '../schema/prune.ts';
import type { Schema } from '../schema/schema.ts';
import { validateValue } from '../schema/validate.ts';
import { printerColumnsSpec } from '../table.ts';
import { metadataFieldLabels } from './common.ts';

const BLOCKED = 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

export function customStrategy(schema: Schema | undefined, printerColumns: unknown): KindStrategy {
  const table = printerColumnsSpec(printerColumns);
  return {
    prune: (obj) => (schema ? prune(obj, schema) : []),
    applyDefaults: (obj) => {
      if (schema) applyDefaults(obj, schema);
    },
    validate(obj: Obj, old: Obj | undefined, _ctx: WriteContext): FieldError[] {
      if (!schema) return [];
      const o = old ? { present: true as const, value: old } : { present: false as const };
      const errs = validateValue(obj, schema, '', o);
      // A type error blocks CEL: the real server reports that instead of evaluating rules.
      if (errs.some((e) => e.type === 'FieldValueTypeInvalid')) {
        return [...errs, invalid('<nil>', null, BLOCKED)];
      }
      return [...errs, ...validateRules(obj, schema, o)];
    },
    table: () => table,
    fieldLabels: metadataFieldLabels,
  };
}
