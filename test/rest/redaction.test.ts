// What the request log may show of a submission: secret-looking keys masked (Spark's default
// redaction pattern), credentials cut out of URLs.
import { maskSecrets, maskUrlCredentials } from '../../src/rest/redaction.ts';

test.each<[string, boolean]>([
  ['spark.mesos.secret', true],
  ['spark.mesos.driver.secret.values', true],
  ['spark.ssl.keyStorePassword', true],
  ['spark.authenticate.token', true],
  ['spark.hadoop.fs.s3a.access.key', true],
  ['SPARK_MESOS_SECRET', true],
  ['AWS_SESSION_TOKEN', true],
  ['spark.driver.memory', false],
  ['spark.hadoop.fs.s3a.accesskey', false],
  ['spark.app.name', false],
])('%s masked: %p', (key, masked) => {
  expect(maskSecrets({ [key]: 'value' })[key]).toBe(masked ? '[redacted]' : 'value');
});

test.each<[string, string]>([
  ['https://user:pw@repo/app.jar', 'https://[redacted]@repo/app.jar'],
  ['http://token@repo/x', 'http://[redacted]@repo/x'],
  ['hdfs://nn:8020/app.jar', 'hdfs://nn:8020/app.jar'],
  ['a https://u:p@h/x,b s3a://k:s@bucket/y', 'a https://[redacted]@h/x,b s3a://[redacted]@bucket/y'],
  ['plain text with an @ sign', 'plain text with an @ sign'],
])('%s → %s', (input, output) => {
  expect(maskUrlCredentials(input)).toBe(output);
});
