// Object-name and label syntax checks with the real apiserver's messages, plus `generateName`
// suffixes. Validation of ObjectMeta lives here because every kind shares it.

import { child, invalid, required, forbidden, tooLong } from './field-errors.ts';
import type { FieldError } from './field-errors.ts';
import { isObj, strArray } from './json.ts';
import type { Obj } from './json.ts';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;

const full = (re: string): RegExp => new RegExp(`^${re}$`);

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** How metadata.name is checked: core/v1 Events skip name syntax (legacy validation). */
export type NameRule = 'subdomain' | 'label' | 'any';

export function dns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!full(DNS1123_SUBDOMAIN).test(value)) errs.push(SUBDOMAIN_MSG);
  return errs;
}

export function dns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!full(DNS1123_LABEL).test(value)) errs.push(LABEL_MSG);
  return errs;
}

function nameErrors(rule: NameRule, value: string, prefix: boolean): string[] {
  // A generateName prefix may end in '-': the server masks it before checking (maskTrailingDash).
  if (rule === 'any') return [];
  const v = prefix && value.length > 1 && value.endsWith('-') ? `${value.slice(0, -2)}a` : value;
  return rule === 'label' ? dns1123Label(v) : dns1123Subdomain(v);
}

export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name = value;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix = '', n = ''] = parts;
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const msg of dns1123Subdomain(prefix)) errs.push(`prefix part ${msg}`);
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !full(QUALIFIED_NAME).test(name)) errs.push(QUALIFIED_MSG);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!full(LABEL_VALUE).test(value)) errs.push(VALUE_MSG);
  return errs;
}

const ANNOTATIONS_MAX = 256 * 1024;

/** ValidateObjectMeta: name/generateName, namespace presence, labels, annotations, finalizers. */
export function validateObjectMeta(metadata: Obj, namespaced: boolean, rule: NameRule): FieldError[] {
  const errs: FieldError[] = [];
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const generateName = typeof metadata.generateName === 'string' ? metadata.generateName : '';
  if (generateName) for (const m of nameErrors(rule, generateName, true)) errs.push(invalid('metadata.generateName', generateName, m));
  if (!name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const m of nameErrors(rule, name, false)) errs.push(invalid('metadata.name', name, m));
  const ns = typeof metadata.namespace === 'string' ? metadata.namespace : '';
  if (namespaced) {
    if (!ns) errs.push(required('metadata.namespace', ''));
    else for (const m of dns1123Label(ns)) errs.push(invalid('metadata.namespace', ns, m));
  } else if (ns) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (isObj(metadata.labels)) {
    for (const [k, v] of Object.entries(metadata.labels)) {
      for (const m of qualifiedNameErrors(k)) errs.push(invalid('metadata.labels', k, m));
      const value = typeof v === 'string' ? v : '';
      for (const m of labelValueErrors(value)) errs.push(invalid('metadata.labels', value, m));
    }
  }
  if (isObj(metadata.annotations)) {
    let size = 0;
    for (const [k, v] of Object.entries(metadata.annotations)) {
      for (const m of qualifiedNameErrors(k.toLowerCase())) errs.push(invalid('metadata.annotations', k, m));
      size += k.length + (typeof v === 'string' ? v.length : 0);
    }
    if (size > ANNOTATIONS_MAX) errs.push(tooLong('metadata.annotations', ANNOTATIONS_MAX));
  }
  strArray(metadata.finalizers).forEach((f, i) => {
    for (const m of qualifiedNameErrors(f)) errs.push(invalid(child('metadata.finalizers', i), f, m));
  });
  return errs;
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_BASE = 58; // 63 - the 5 random characters

/** names.SimpleNameGenerator: prefix (cut to 58) plus five characters of the safe alphabet. */
export function generateName(base: string, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < 5; i += 1) suffix += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)] ?? 'x';
  return `${base.slice(0, MAX_GENERATED_BASE)}${suffix}`;
}
