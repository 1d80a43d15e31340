// What `make run`'s drivers download, served over HTTP on 127.0.0.1 so that every file in
// examples/ runs as written without reaching outside the machine: a stub Spark distribution
// (its spark-submit logs like Spark, works a little and succeeds), its examples jar, a PySpark
// pi.py and a helpers.zip for spark.submit.pyFiles. The same distribution, unpacked, is the
// dispatcher's spark.home.
import { execFileSync } from 'node:child_process';
import { chmodSync, createReadStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

export const SPARK_DIST = 'spark-3.5.1-bin-hadoop3';
export const EXAMPLES_JAR = 'spark-examples_2.12-3.5.1.jar';

const STUB_SPARK_SUBMIT = `#!/bin/sh
# A stand-in for Spark's spark-submit (make run's stub Spark distribution): it says what it was
# asked to run, logs to stderr the way Spark does, works a little, and succeeds.
echo "spark-submit $*"
name=
previous=
for argument in "$@"; do
  [ "$previous" = "--name" ] && name=$argument
  previous=$argument
done
echo "INFO SparkContext: Running Spark version 3.5.1 (stub)" >&2
echo "INFO SparkContext: Submitted application: $name" >&2
sleep "\${STUB_SECONDS:-3}"
echo "Pi is roughly 3.14159"
echo "INFO SparkContext: Successfully stopped SparkContext" >&2
`;

const PI_PY = `# Estimates pi by throwing darts: the PySpark example, as examples/sparkdriver-python.yaml runs it.
import sys
from random import random
from operator import add

from pyspark.sql import SparkSession
from helpers import inside

if __name__ == "__main__":
    spark = SparkSession.builder.appName("PythonPi").getOrCreate()
    partitions = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    n = 100000 * partitions
    count = spark.sparkContext.parallelize(range(1, n + 1), partitions).map(lambda _: inside(random(), random())).reduce(add)
    print("Pi is roughly %f" % (4.0 * count / n))
    spark.stop()
`;

const HELPERS_PY = `def inside(x, y):
    return 1 if x * x + y * y <= 1 else 0
`;

/** Builds the artifacts under `dir`; returns the unpacked distribution (a Spark home). */
export function buildArtifacts(dir: string): { sparkHome: string; files: ReadonlyMap<string, string> } {
  rmSync(dir, { recursive: true, force: true });
  const sparkHome = path.join(dir, SPARK_DIST);
  mkdirSync(path.join(sparkHome, 'bin'), { recursive: true });
  mkdirSync(path.join(sparkHome, 'examples', 'jars'), { recursive: true });
  writeFileSync(path.join(sparkHome, 'bin', 'spark-submit'), STUB_SPARK_SUBMIT);
  chmodSync(path.join(sparkHome, 'bin', 'spark-submit'), 0o755);
  const jar = path.join(sparkHome, 'examples', 'jars', EXAMPLES_JAR);
  writeFileSync(jar, 'A stand-in for the Spark examples jar: the stub spark-submit never opens it.\n');
  writeFileSync(path.join(dir, 'pi.py'), PI_PY);
  writeFileSync(path.join(dir, 'helpers.py'), HELPERS_PY);
  execFileSync('tar', ['-czf', `${SPARK_DIST}.tgz`, SPARK_DIST], { cwd: dir });
  execFileSync('zip', ['-q', 'helpers.zip', 'helpers.py'], { cwd: dir });
  const files = new Map([
    [`/${SPARK_DIST}.tgz`, path.join(dir, `${SPARK_DIST}.tgz`)],
    [`/${EXAMPLES_JAR}`, jar],
    ['/pi.py', path.join(dir, 'pi.py')],
    ['/helpers.zip', path.join(dir, 'helpers.zip')],
  ]);
  return { sparkHome, files };
}

/** Serves exactly these files (URL path to file), nothing else; resolves once listening. */
export async function serveArtifacts(files: ReadonlyMap<string, string>, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://artifacts').pathname);
    if (file === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(file === undefined ? 404 : 405, { 'content-type': 'text/plain' });
      res.end(file === undefined ? `Not found. Served here: ${[...files.keys()].join(' ')}\n` : 'Method Not Allowed\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
