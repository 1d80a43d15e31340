// What a submission must be for its driver to be able to start, as one table: the size limits
// of every field, and the Spark properties the dispatcher interprets, each with its rule in
// TypeScript and in CEL and one message. Three checks read it, with the same messages: the CRD's
// generated schema (so `kubectl apply` and dry-runs refuse), the REST create, and the operator at
// admission (for resources that predate a rule). Pure.

import { MAX_RETRIES_KEY, RETRY_RESET_AFTER_KEY, RETRY_WAIT_MAX_KEY } from './backoff.ts';
import { CONSTRAINTS_KEY, parseConstraints } from './constraints.ts';
import { SUPERVISE_KEY } from './driver.ts';
import { DRIVER_LABEL_KEYS, DRIVER_LABELS_KEY, parseLabels } from './labels.ts';
import { BLANK_CHARS, isBlank, parseDurationMs, parseMemoryMiB, splitCommaList } from './spark-values.ts';

export const LIMITS = {
  /** Arguments, Spark properties and environment variables, each. */
  entries: 512,
  /** One argument, property value or variable value. */
  valueChars: 16_384,
  /** A property key or variable name. */
  keyChars: 256,
  urlChars: 4096,
  nameChars: 1024,
  /** A queue name (as long as a Kubernetes object name may be). */
  queueChars: 253,
  submissionIdChars: 200,
  /**
   * The submission's own share of the command line: arguments plus `--conf key=value` pairs, in
   * UTF-8 bytes with each character the shell quoting escapes counted twice. Linux passes the
   * whole command to `sh -c` as one argument of at most 128 KiB; what the dispatcher adds (its
   * options, quotes, the other fields) fits in the rest of `commandLineBytes`, which the complete
   * line is checked against too.
   */
  submittedCommandBytes: 96 * 1024,
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
  return { key, message, accepts: (v) => new RegExp(re).test(v) && check(v), cel: `v.matches(${celString(re)})` };
}

/** `text` as a CEL string literal. */
function celString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

// "Not blank" is one character class for TypeScript and CEL alike: JavaScript's \s and trim()
// and RE2's \s disagree (\v, NBSP, U+2028), and a value one check calls blank must be blank to both.
export const NOT_BLANK_CEL = `matches(${celString(`[^${BLANK_CHARS}]`)})`;

// Spark's label syntax (`k:v,k2:v2`, `\\:` and `\\,` escaped) as one regular expression, linear in
// backtracking engines too: a word is characters other than `:` `,` `\\`, or a run of backslashes
// and the character it escapes; a label is `key:value` (value not empty; Java's split drops the
// trailing empty strings of `k:v:` and `k:v,`); only at the very end may a value end in a
// backslash (anywhere else it escapes the separator after it).
const LABEL_WORD = String.raw`(?:[^:,\\]|\\+[^\\])`;
const LABEL = `${LABEL_WORD}*:${LABEL_WORD}+:*`;
const LAST_LABEL_ENDING_IN_BACKSLASH = `${LABEL_WORD}*:${LABEL_WORD}*\\\\+`;
const LABELS_RE = `^(?:,*|(?:${LABEL},)*(?:${LABEL},*|${LAST_LABEL_ENDING_IN_BACKSLASH}))$`;
const RESERVED_LABEL_RE = `(?:^|[^\\\\],)(?:${Object.values(DRIVER_LABEL_KEYS).join('|')}):`;

// Spark's constraint syntax: `attr:v1,v2;attr2:` entries, each with exactly one `:` and a
// non-blank attribute, no attribute twice. Trimming is by the blank class above.
const CONSTRAINT_ENTRY_RE = `^[${BLANK_CHARS}]*[^${BLANK_CHARS}:][^:]*:[^:]*$`;
const CONSTRAINT_ATTRIBUTES = `v.split(';').map(e, e.split(':')[0].find(${celString(`[^${BLANK_CHARS}][^:]*`)}))`;

const DURATION_RE = '^[0-9]{1,9}(us|ms|s|m|min|h|d)?$';

const SECRET = 'spark.mesos.driver.secret.';
const DOCKER = 'spark.mesos.executor.docker.';
const BOOLEAN_RE = '^([tT][rR][uU][eE]|[fF][aA][lL][sS][eE])$';

/**
 * A comma list whose every non-blank entry must match `entryRe` (which allows blank characters
 * around the entry, as the list is read trimmed) and not `excludedRe`.
 */
function listRule(key: string, entryRe: string, message: string, excludedRe?: string): PropertyRule {
  const entryOk = (e: string): boolean => new RegExp(entryRe).test(e) && (excludedRe === undefined || !new RegExp(excludedRe).test(e));
  const entryCel = `e.matches(${celString(entryRe)})${excludedRe === undefined ? '' : ` && !e.matches(${celString(excludedRe)})`}`;
  return {
    key, message,
    accepts: (v) => v.split(',').every((e) => isBlank(e) || entryOk(e)),
    cel: `v.split(',').all(e, !e.${NOT_BLANK_CEL} || (${entryCel}))`,
  };
}

const B = `[${BLANK_CHARS}]`;
const PORT = '0*(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})';
// The entry as read trimmed: `host:container[:protocol]`, `key=value`, `[host:]container[:ro|:rw]`.
const PORT_MAPPING_RE = `^${B}*${PORT}:${PORT}(?::[^:]*[^:${BLANK_CHARS}])?${B}*$`;
const PARAMETER_RE = `^${B}*[^=${BLANK_CHARS}][^=]*=`;
const VOLUME_RE = `^${B}*[^:${BLANK_CHARS}](?:[^:]*(?::[^:]+)?:(?:ro|rw)|(?:[^:]*[^:${BLANK_CHARS}])?|[^:]*:[^:]*[^:${BLANK_CHARS}])${B}*$`;
const VOLUME_MODE_ALONE_RE = `^${B}*r[ow]${B}*$`;

/** The Docker settings of the driver's container (read when an image is set; checked always). */
const CONTAINER_RULES: readonly PropertyRule[] = [
  patternRule(`${DOCKER}forcePullImage`, BOOLEAN_RE, 'must be true or false'),
  listRule(`${DOCKER}portmaps`, PORT_MAPPING_RE, 'must be port mappings host_port:container_port[:protocol] separated by commas, ports from 0 to 65535'),
  listRule(`${DOCKER}parameters`, PARAMETER_RE, 'must be Docker parameters key=value separated by commas'),
  listRule(`${DOCKER}volumes`, VOLUME_RE, 'must be volumes [host_path:]container_path[:ro|:rw] separated by commas',
    VOLUME_MODE_ALONE_RE),
  {
    key: 'spark.mesos.network.labels', message: 'must be labels key:value separated by commas (escape a : or , in a key or value as \\: or \\,)',
    accepts: (v) => parseLabels('spark.mesos.network.labels', v).ok, cel: `v.matches(${celString(LABELS_RE)})`,
  },
];

/** The Spark properties the dispatcher interprets, and what their values must be. */
export const PROPERTY_RULES: readonly PropertyRule[] = [
  {
    key: 'spark.app.name', message: "must not be blank: it names the driver (spark-submit's --name; absent, the SparkDriver's name)",
    accepts: (v) => !isBlank(v), cel: `v.${NOT_BLANK_CEL}`,
  },
  memoryRule('spark.driver.memory', 1),
  memoryRule('spark.driver.memoryOverhead', 0),
  memoryRule('spark.mesos.driver.memoryOverhead', 0),
  decimalRule('spark.driver.cores', 'a number of CPUs', 0, false, LIMITS.cores),
  decimalRule('spark.driver.memoryOverheadFactor', 'a factor', 0, true, LIMITS.overheadFactor),
  patternRule(SUPERVISE_KEY, BOOLEAN_RE, 'must be true or false'),
  patternRule(MAX_RETRIES_KEY, '^(-1|[0-9]{1,9})$', 'must be -1 (unlimited) or a whole number of retries'),
  patternRule(RETRY_WAIT_MAX_KEY, '^[0-9]{1,9}$', 'must be a whole number of seconds'),
  patternRule(RETRY_RESET_AFTER_KEY, DURATION_RE, 'must be a duration: a whole number with a unit (ms, s, m, min, h or d), e.g. 30min',
    (v) => parseDurationMs(RETRY_RESET_AFTER_KEY, v, 's').ok),
  patternRule('spark.mesos.containerizer', '^(docker|mesos)$', 'must be docker or mesos'),
  patternRule('spark.mesos.appJar.local.resolution.mode', '^(?:[hH][oO][sS][tT]|[cC][oO][nN][tT][aA][iI][nN][eE][rR])$', 'must be host or container'),
  {
    key: 'spark.mesos.executor.docker.image', message: 'must not be blank when set: it names the image that contains Spark',
    accepts: (v) => !isBlank(v), cel: `v.${NOT_BLANK_CEL}`,
  },
  {
    key: DRIVER_LABELS_KEY, message: 'must be labels key:value separated by commas (escape a : or , in a key or value as \\: or \\,)',
    accepts: (v) => parseLabels(DRIVER_LABELS_KEY, v).ok, cel: `v.matches(${celString(LABELS_RE)})`,
  },
  {
    key: DRIVER_LABELS_KEY, message: `must not use the label keys the dispatcher sets (${Object.values(DRIVER_LABEL_KEYS).join(', ')})`,
    accepts: (v) => {
      const parsed = parseLabels(DRIVER_LABELS_KEY, v);
      return !parsed.ok || !parsed.labels.some((label) => (Object.values(DRIVER_LABEL_KEYS) as string[]).includes(label.key));
    },
    cel: `!v.matches(${celString(LABELS_RE)}) || !v.matches(${celString(RESERVED_LABEL_RE)})`,
  },
  {
    key: CONSTRAINTS_KEY, message: "must be constraints attribute:value1,value2 separated by ';', each with one ':', a named attribute, and no attribute twice",
    accepts: (v) => parseConstraints(v).ok,
    cel: `!v.${NOT_BLANK_CEL} || (v.split(';').all(e, e.matches(${celString(CONSTRAINT_ENTRY_RE)}))`
      + ` && ${CONSTRAINT_ATTRIBUTES}.all(a, ${CONSTRAINT_ATTRIBUTES}.filter(b, b == a).size() == 1))`,
  },
  patternRule('spark.mesos.fetcherCache.enable', BOOLEAN_RE, 'must be true or false'),
  ...CONTAINER_RULES,
];

/** A rule over the Spark properties together, in TypeScript and in CEL over the map `self`. */
export interface PropertiesRule {
  readonly message: string;
  readonly accepts: (props: Readonly<Record<string, string>>) => boolean;
  readonly cel: string;
}

/** The secrets' comma lists must pair up, as the task plan zips them. */
function secretListCount(props: Readonly<Record<string, string>>, list: string): number {
  return splitCommaList(props[`${SECRET}${list}`]).length;
}

function secretListCountCel(list: string): string {
  const key = celString(`${SECRET}${list}`);
  return `(${key} in self ? self[${key}].split(',').filter(s, s.${NOT_BLANK_CEL}).size() : 0)`;
}

function pairedSecretsRule(list: string, what: string): PropertiesRule {
  const secretsCel = `(${secretListCountCel('names')} > 0 ? ${secretListCountCel('names')} : ${secretListCountCel('values')})`;
  return {
    message: `${SECRET}${list} must give one ${what} per secret (${SECRET}names or ${SECRET}values), in the same order`,
    accepts: (props) => {
      const count = secretListCount(props, list);
      const names = secretListCount(props, 'names');
      return count === 0 || count === (names > 0 ? names : secretListCount(props, 'values'));
    },
    cel: `${secretListCountCel(list)} == 0 || ${secretListCountCel(list)} == ${secretsCel}`,
  };
}

/** The rules that read several Spark properties at once. */
export const PROPERTIES_RULES: readonly PropertiesRule[] = [
  {
    message: `${SECRET}names and ${SECRET}values cannot both be set: secrets are either references or values`,
    accepts: (props) => secretListCount(props, 'names') === 0 || secretListCount(props, 'values') === 0,
    cel: `${secretListCountCel('names')} == 0 || ${secretListCountCel('values')} == 0`,
  },
  pairedSecretsRule('envkeys', 'environment variable name'),
  pairedSecretsRule('filenames', 'file path'),
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

/** The CEL rules on the `sparkProperties` map: one per property rule, then the rules across properties. */
export function sparkPropertiesCel(): { rule: string; message: string }[] {
  return [...PROPERTY_RULES.map(propertyRuleCel), ...PROPERTIES_RULES.map(({ cel, message }) => ({ rule: cel, message }))];
}

/** Each broken property rule as "<key> <message>", then each broken rule across properties. */
export function propertyProblems(props: Readonly<Record<string, string>>): string[] {
  const single = PROPERTY_RULES.flatMap((rule) => {
    const value = Object.hasOwn(props, rule.key) ? props[rule.key] : undefined;
    if (value === undefined) return rule.required === true ? [`${rule.key} ${rule.message}`] : [];
    return rule.accepts(value) ? [] : [`${rule.key} ${rule.message}`];
  });
  return [...single, ...PROPERTIES_RULES.filter((rule) => !rule.accepts(props)).map((rule) => rule.message)];
}

/** What the limits say of the submission as a whole (the per-field limits are in the schema). */
export interface SubmittedParts {
  readonly arguments: readonly string[];
  readonly sparkProperties: Readonly<Record<string, string>>;
  readonly environmentVariables: Readonly<Record<string, string>>;
}

/** UTF-8 bytes of `text`, each `"`, `$`, backtick and backslash counted twice (quoting escapes them). */
export function quotedBytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += code === 0x22 || code === 0x24 || code === 0x60 || code === 0x5c ? 2 : 1;
    else if (code < 0x800) bytes += 2;
    // A surrogate pair is 4 bytes: 2 for each half.
    else if (code >= 0xd800 && code <= 0xdfff) bytes += 2;
    else bytes += 3;
  }
  return bytes;
}

const QUOTED_BYTES_CEL = (x: string): string => `size(bytes(${x})) + size(${x}.findAll(${celString('["$`\\\\]')}))`;

/** Each argument and `--conf key=value` pair, as the command line carries them (see quotedBytes). */
export function submittedCommandBytes(parts: SubmittedParts): number {
  const props = Object.entries(parts.sparkProperties).reduce((sum, [k, v]) => sum + quotedBytes(k) + quotedBytes(v), 0);
  return parts.arguments.reduce((sum, a) => sum + quotedBytes(a), 0) + props;
}

export function environmentChars(parts: SubmittedParts): number {
  return Object.entries(parts.environmentVariables).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
}

export const COMMAND_TOO_LONG = `the arguments and Spark properties together must not exceed ${LIMITS.submittedCommandBytes} bytes as the driver's command line carries them (UTF-8, each quote, dollar sign, backtick and backslash counted twice, as quoting escapes them): the command line has a fixed size limit`;
export const ENVIRONMENT_TOO_LARGE = `the environment variables together must not exceed ${LIMITS.environmentChars} characters`;

/** The CEL rules on the spec for the totals, with the same messages. */
export const TOTAL_RULES_CEL: readonly { rule: string; message: string }[] = [
  {
    rule: `self.arguments.map(a, ${QUOTED_BYTES_CEL('a')}).sum()`
      + ` + self.sparkProperties.map(k, ${QUOTED_BYTES_CEL('k')} + ${QUOTED_BYTES_CEL('self.sparkProperties[k]')}).sum() <= ${LIMITS.submittedCommandBytes}`,
    message: COMMAND_TOO_LONG,
  },
  {
    rule: `self.environmentVariables.map(k, size(k) + size(self.environmentVariables[k])).sum() <= ${LIMITS.environmentChars}`,
    message: ENVIRONMENT_TOO_LARGE,
  },
];

export function totalProblems(parts: SubmittedParts): string[] {
  return [
    ...(submittedCommandBytes(parts) > LIMITS.submittedCommandBytes ? [COMMAND_TOO_LONG] : []),
    ...(environmentChars(parts) > LIMITS.environmentChars ? [ENVIRONMENT_TOO_LARGE] : []),
  ];
}
