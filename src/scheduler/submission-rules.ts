// What a submission must be for its driver to be able to start, as one table: the size limits
// of every field, and the Spark properties the dispatcher interprets, each with its rule in
// TypeScript and in CEL and one message. Three checks read it, with the same messages: the CRD's
// generated schema (so `kubectl apply` and dry-runs refuse), the REST create, and the operator at
// admission (for resources that predate a rule). Pure.

import { MAX_RETRIES_KEY, RETRY_RESET_AFTER_KEY, RETRY_WAIT_MAX_KEY } from './backoff.ts';
import { SUPERVISE_KEY } from './driver.ts';
import { parseDurationMs, parseMemoryMiB } from './spark-values.ts';

export const LIMITS = {
  /** Arguments, Spark properties and environment variables, each. */
  entries: 512,
  /** One argument, property value or variable value. */
  valueChars: 16_384,
  /** A property key or variable name. */
  keyChars: 256,
  urlChars: 4096,
  nameChars: 1024,
  /**
   * The submission's own share of the command line: arguments plus `--conf key=value` pairs.
   * Linux passes the whole command to `sh -c` as one argument of at most 128 KiB; the dispatcher
   * adds its own options, and checks the complete line against `commandLineBytes`.
   */
  submittedCommandChars: 96 * 1024,
  commandLineBytes: 120 * 1024,
  /** All environment variables together (names and values); Linux allows 2 MiB with the arguments. */
  environmentChars: 512 * 1024,
  memoryMiB: 16 * 1024 * 1024,
  cores: 4096,
  overheadFactor: 10,
} as const;

export interface PropertyRule {
  readonly key: string;
  /** The property must be present. */
  readonly required?: boolean;
  /** What the value must be: the message of every check. */
  readonly message: string;
  readonly accepts: (value: string) => boolean;
  /** The same rule in CEL, over the value `v` (a string). */
  readonly cel: string;
}

const MEMORY_RE = '^[0-9]{1,9}([bBkKmMgGtTpP]|[kKmMgGtTpP][bB])?$';
/** Whole MiB of a Spark memory string matching MEMORY_RE, in CEL (a bare number is MiB). */
const MEMORY_MIB_CEL = "(v.matches('[pP][bB]?$') ? int(v.find('^[0-9]+')) * 1073741824"
  + " : v.matches('[tT][bB]?$') ? int(v.find('^[0-9]+')) * 1048576"
  + " : v.matches('[gG][bB]?$') ? int(v.find('^[0-9]+')) * 1024"
  + " : v.matches('[kK][bB]?$') ? int(v.find('^[0-9]+')) / 1024"
  + " : v.matches('[bB]$') ? int(v.find('^[0-9]+')) / 1048576"
  + " : int(v.find('^[0-9]+')))";

function memoryRule(key: string, minMiB: number): PropertyRule {
  const max = `${LIMITS.memoryMiB / 1024 / 1024}t`;
  return {
    key,
    message: `must be a memory size from ${minMiB === 0 ? '0' : '1m'} to ${max}: a whole number with an optional unit (k, m, g, t), e.g. 2048m or 2g`,
    accepts: (v) => {
      if (!new RegExp(MEMORY_RE).test(v)) return false;
      const mib = parseMemoryMiB(key, v);
      return mib.ok && mib.value >= minMiB && mib.value <= LIMITS.memoryMiB;
    },
    cel: `v.matches('${MEMORY_RE}') && ${MEMORY_MIB_CEL} >= ${minMiB} && ${MEMORY_MIB_CEL} <= ${LIMITS.memoryMiB}`,
  };
}

function decimalRule(key: string, what: string, min: number, minInclusive: boolean, max: number): PropertyRule {
  const re = '^[0-9]{1,5}([.][0-9]{1,9})?$';
  const low = minInclusive ? `at least ${min}` : `greater than ${min}`;
  return {
    key,
    message: `must be ${what} ${low} and at most ${max}, in decimal notation (e.g. 1 or 1.5)`,
    accepts: (v) => new RegExp(re).test(v) && (minInclusive ? Number(v) >= min : Number(v) > min) && Number(v) <= max,
    cel: `v.matches('${re}') && double(v) ${minInclusive ? '>=' : '>'} ${min.toFixed(1)} && double(v) <= ${max.toFixed(1)}`,
  };
}

function patternRule(key: string, re: string, message: string, check: (v: string) => boolean = () => true): PropertyRule {
  return { key, message, accepts: (v) => new RegExp(re).test(v) && check(v), cel: `v.matches('${re}')` };
}

const DURATION_RE = '^[0-9]{1,9}(us|ms|s|m|min|h|d)?$';

/** The Spark properties the dispatcher interprets, and what their values must be. */
export const PROPERTY_RULES: readonly PropertyRule[] = [
  {
    key: 'spark.app.name', message: "must not be blank: it names the driver (spark-submit's --name; absent, the SparkDriver's name)",
    // One character class for both: JavaScript's \S and RE2's differ (\v, NBSP, U+2028).
    accepts: (v) => /[^ \t\n\r]/.test(v), cel: "v.matches('[^ \\t\\n\\r]')",
  },
  memoryRule('spark.driver.memory', 1),
  memoryRule('spark.driver.memoryOverhead', 0),
  memoryRule('spark.mesos.driver.memoryOverhead', 0),
  decimalRule('spark.driver.cores', 'a number of CPUs', 0, false, LIMITS.cores),
  decimalRule('spark.driver.memoryOverheadFactor', 'a factor', 0, true, LIMITS.overheadFactor),
  patternRule(SUPERVISE_KEY, '^([tT][rR][uU][eE]|[fF][aA][lL][sS][eE])$', 'must be true or false'),
  patternRule(MAX_RETRIES_KEY, '^(-1|[0-9]{1,9})$', 'must be -1 (unlimited) or a whole number of retries'),
  patternRule(RETRY_WAIT_MAX_KEY, '^[0-9]{1,9}$', 'must be a whole number of seconds'),
  patternRule(RETRY_RESET_AFTER_KEY, DURATION_RE, 'must be a duration: a whole number with a unit (ms, s, m, min, h or d), e.g. 30min',
    (v) => parseDurationMs(RETRY_RESET_AFTER_KEY, v, 's').ok),
  patternRule('spark.mesos.containerizer', '^(docker|mesos)$', 'must be docker or mesos'),
];

/** A CEL rule on the `sparkProperties` map for one property rule. */
export function propertyRuleCel(rule: PropertyRule): { rule: string; message: string } {
  const value = `self['${rule.key}']`;
  const body = `(${rule.cel.replaceAll(/\bv\b/g, value)})`;
  return {
    rule: rule.required === true ? `'${rule.key}' in self && ${body}` : `!('${rule.key}' in self) || ${body}`,
    message: `${rule.key} ${rule.message}`,
  };
}

/** Each broken property rule as "<key> <message>". */
export function propertyProblems(props: Readonly<Record<string, string>>): string[] {
  return PROPERTY_RULES.flatMap((rule) => {
    const value = Object.hasOwn(props, rule.key) ? props[rule.key] : undefined;
    if (value === undefined) return rule.required === true ? [`${rule.key} ${rule.message}`] : [];
    return rule.accepts(value) ? [] : [`${rule.key} ${rule.message}`];
  });
}

/** What the limits say of the submission as a whole (the per-field limits are in the schema). */
export interface SubmittedParts {
  readonly arguments: readonly string[];
  readonly sparkProperties: Readonly<Record<string, string>>;
  readonly environmentVariables: Readonly<Record<string, string>>;
}

/** `--conf key=value` for each property plus each argument, as the command line carries them. */
export function submittedCommandChars(parts: SubmittedParts): number {
  const props = Object.entries(parts.sparkProperties).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  return parts.arguments.reduce((sum, a) => sum + a.length, 0) + props;
}

export function environmentChars(parts: SubmittedParts): number {
  return Object.entries(parts.environmentVariables).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
}

export const COMMAND_TOO_LONG = `the arguments and Spark properties together must not exceed ${LIMITS.submittedCommandChars} characters (the driver's command line has a fixed size limit)`;
export const ENVIRONMENT_TOO_LARGE = `the environment variables together must not exceed ${LIMITS.environmentChars} characters`;

/** The CEL rules on the spec for the totals, with the same messages. */
export const TOTAL_RULES_CEL: readonly { rule: string; message: string }[] = [
  {
    rule: `self.arguments.map(a, size(a)).sum() + self.sparkProperties.map(k, size(k) + size(self.sparkProperties[k])).sum() <= ${LIMITS.submittedCommandChars}`,
    message: COMMAND_TOO_LONG,
  },
  {
    rule: `self.environmentVariables.map(k, size(k) + size(self.environmentVariables[k])).sum() <= ${LIMITS.environmentChars}`,
    message: ENVIRONMENT_TOO_LARGE,
  },
];

export function totalProblems(parts: SubmittedParts): string[] {
  return [
    ...(submittedCommandChars(parts) > LIMITS.submittedCommandChars ? [COMMAND_TOO_LONG] : []),
    ...(environmentChars(parts) > LIMITS.environmentChars ? [ENVIRONMENT_TOO_LARGE] : []),
  ];
}
