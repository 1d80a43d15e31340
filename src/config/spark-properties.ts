// The dispatcher's Spark properties, built as Spark's dispatcher builds its SparkConf: the
// properties file's `spark.*` keys, overridden by `--conf`, and finally `spark.master` and
// `spark.app.name` from `--master` and `--name`, which Spark sets last.
import type { PartialCommandLine } from './command-line.ts';
import { parseProperties, readPropertiesFile, type PropertiesResult } from './properties-file.ts';
import type { ReadTextFile } from './system.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface SparkProperties {
  readonly properties: Record<string, string>;
  /** The file read: the `--properties-file`, or the default one if it exists. */
  readonly file: string | undefined;
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Spark's `getDefaultPropertiesFile`: `spark-defaults.conf` in SPARK_CONF_DIR, else in
 * SPARK_HOME/conf. Without either, `conf/spark-defaults.conf` under the working directory, which
 * is what Spark's usage text promises and where Spark's launch scripts effectively look.
 */
export function defaultPropertiesFile(env: Env): string {
  const dir = env['SPARK_CONF_DIR'] || (env['SPARK_HOME'] ? `${env['SPARK_HOME'].replace(/\/+$/, '')}/conf` : 'conf');
  return `${dir.replace(/\/+$/, '')}/spark-defaults.conf`;
}

export function loadSparkProperties(
  cl: Pick<PartialCommandLine, 'propertiesFile' | 'conf' | 'master' | 'name'>, env: Env, readFile: ReadTextFile,
): SparkProperties {
  const errors: string[] = [];
  const warnings: string[] = [];
  const { file, result } = readFileProperties(cl.propertiesFile, env, readFile);
  const properties: Record<string, string> = {};
  if (result && !result.ok) errors.push(...result.errors);
  if (result?.ok) {
    warnings.push(...result.warnings);
    for (const [key, value] of Object.entries(result.properties)) {
      // Spark's loadDefaultSparkProperties applies spark.* keys only.
      if (key.startsWith('spark.')) properties[key] = value;
      else warnings.push(`${file}:${result.lines[key]}: Ignoring non-Spark config property: ${key}`);
    }
  }
  Object.assign(properties, cl.conf);

  const overridden = (key: string, flag: string, value: string | undefined): void => {
    const given = properties[key]?.replace(/^mesos:\/\//, '');
    if (value === undefined || given === undefined || given === value) return;
    const where = cl.conf[key] !== undefined ? '--conf' : file;
    warnings.push(`${key}: the value from ${where} is replaced by ${flag}`);
  };
  overridden('spark.master', '--master', cl.master?.master);
  overridden('spark.app.name', '--name', cl.name);
  if (cl.master !== undefined) properties['spark.master'] = cl.master.master;
  else delete properties['spark.master'];
  properties['spark.app.name'] = cl.name;
  return { properties, file: result?.ok ? file : undefined, errors, warnings };
}

function readFileProperties(
  explicit: string | undefined, env: Env, readFile: ReadTextFile,
): { file: string | undefined; result: PropertiesResult | undefined } {
  if (explicit !== undefined) {
    const result = readPropertiesFile(explicit, readFile);
    // Parse errors start with the file's name; failing to read it is the flag's problem.
    if (!result.ok) result.errors = result.errors.map((e) => (e.startsWith('Properties file ') ? `--properties-file: ${e}` : e));
    return { file: explicit, result };
  }
  const candidate = defaultPropertiesFile(env);
  let text: string | undefined;
  try {
    text = readFile(candidate);
  } catch (error) {
    return { file: candidate, result: { ok: false, errors: [`Properties file ${candidate} cannot be read: ${(error as Error).message}`] } };
  }
  // The default file is optional: Spark reads it only if it is there.
  return text === undefined ? { file: undefined, result: undefined } : { file: candidate, result: parseProperties(text, candidate) };
}
