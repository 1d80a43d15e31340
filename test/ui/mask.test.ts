// Secrets never reach a page: Spark properties and environment variables masked by Spark's
// redaction rule (key or value matches), Mesos secret variables, URL credentials, and the same
// properties on the command line. Also the escaping primitives and `uiDriverFrom`.

import { planDriverTask, specFromSubmission } from '../../src/scheduler/index.ts';
import { toSubmission } from '../../src/sparkdriver/sparkdriver-submission.ts';
import { escapeHtml, html, render, safeHttpUrl } from '../../src/ui/html.ts';
import { formatDate, formatDuration } from '../../src/ui/format.ts';
import { maskCommandLine, maskEntries, maskValue } from '../../src/ui/mask.ts';
import { MASK, renderDriver, renderOverview, uiDriverFrom, UNKNOWN_FRAMEWORK_ID } from '../../src/ui/index.ts';
import { commandLineOf, tableRows } from './html-helpers.ts';
import { allResources, dispatcherConfig, FW, makeSnapshot, NOW, SECRET_VALUES, SECRETS_ID } from './fixtures.ts';

describe('masking on the driver page', () => {
  const snapshot = makeSnapshot();
  const page = renderDriver(snapshot, SECRETS_ID, NOW).html;

  test('no secret value appears anywhere, on the driver page or the overview', () => {
    for (const secret of SECRET_VALUES) {
      expect(page).not.toContain(secret);
      expect(renderOverview(snapshot, NOW)).not.toContain(secret);
    }
  });

  test('Spark properties: secret-looking keys and values masked, the rest shown', () => {
    expect(tableRows(page, 'spark-properties-table')).toEqual([
      ['spark.app.name', 'with-credentials'],
      ['spark.authenticate.token', MASK],
      ['spark.driver.memory', '1g'],
      ['spark.executor.uri', `https://${MASK}@repo.example.com/spark-3.5.1-bin-hadoop3.tgz`],
      ['spark.hadoop.fs.s3a.secret.key', MASK],
      ['spark.mesos.driver.secret.envkeys', MASK],
      ['spark.mesos.driver.secret.values', MASK],
      ['spark.mesos.driverEnv.AWS_SECRET_ACCESS_KEY', MASK],
      ['spark.plain.setting', 'visible-value'],
    ]);
  });

  test('environment: by name, by value, and Mesos secret variables', () => {
    expect(tableRows(page, 'driver-environment-table')).toEqual([
      ['AWS_SECRET_ACCESS_KEY', MASK],
      ['DB_PASSWORD', MASK],
      ['DB_USER', MASK],
      ['PLAIN_ENV', 'plain-env-value'],
      ['SPARK_DRIVER_TOKEN', MASK],
      ['SPARK_SUBMIT_OPTS', MASK],
    ]);
  });

  test('command line: the same --conf values masked, the rest intact', () => {
    const command = commandLineOf(page);
    expect(command).toContain(`--conf spark.authenticate.token=${MASK}`);
    expect(command).toContain(`--conf spark.hadoop.fs.s3a.secret.key=${MASK}`);
    expect(command).toContain(`--conf spark.executor.uri=https://${MASK}@repo.example.com/spark-3.5.1-bin-hadoop3.tgz`);
    expect(command).toContain('--conf spark.plain.setting=visible-value');
    expect(command).toMatch(/^cd spark-3\*; {2}bin\/spark-submit --name with-credentials /);
  });

  test('a custom spark.redaction.regex replaces the default', () => {
    const custom = renderDriver({ ...snapshot, redactionPattern: /plain/i }, SECRETS_ID, NOW).html;
    expect(tableRows(custom, 'spark-properties-table')).toContainEqual(['spark.plain.setting', MASK]);
    expect(tableRows(custom, 'spark-properties-table')).toContainEqual(['spark.authenticate.token', 'tok-0123456789']);
  });
});

describe('mask functions', () => {
  test('Spark rule: key or value matches, case-insensitively; URL credentials always go', () => {
    expect(maskValue('spark.ssl.keyPassword', 'x')).toBe(MASK);
    expect(maskValue('SOME_ACCESS.KEY', 'x')).toBe(MASK);
    expect(maskValue('harmless', 'my-TOKEN-here')).toBe(MASK);
    expect(maskValue('spark.accesskey', 'x')).toBe('x');
    expect(maskValue('uri', 's3a://AKIA:abc@bucket/x')).toBe(`s3a://${MASK}@bucket/x`);
    expect(maskEntries({ b: '1', a: 'password' })).toEqual([['a', MASK], ['b', '1']]);
    const global = /secret/gi;
    expect([maskValue('secret', 'x', global), maskValue('secret', 'x', global)]).toEqual([MASK, MASK]);
  });

  test('command lines: bare, double-quoted and single-quoted --conf tokens', () => {
    expect(maskCommandLine('x --conf spark.a.secret=s3cr3t --conf b=1')).toBe(`x --conf spark.a.secret=${MASK} --conf b=1`);
    expect(maskCommandLine('x --conf "spark.my password=a b\\"c" y')).toBe(`x --conf "spark.my password=${MASK}" y`);
    expect(maskCommandLine("x --conf 'k=token value' y")).toBe(`x --conf 'k=${MASK}' y`);
    expect(maskCommandLine('x --conf "a=\\$HOME" y')).toBe('x --conf "a=\\$HOME" y');
    expect(maskCommandLine('cd https://u:p@h/x')).toBe(`cd https://${MASK}@h/x`);
  });
});

describe('escaping primitives', () => {
  test('escapeHtml covers content and quoted attributes, and drops control characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
    expect(escapeHtml('a\u0000b\u001bc\td\ne')).toBe('abc\td\ne');
  });

  test('html escapes every interpolation, nested markup passes once, arrays join', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(render(html`<p title="${'"x"'}">${inner}${['<', html`<br>`, 1, undefined, false, null]}</p>`))
      .toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;<br>1</p>');
  });

  test('only http(s) URLs pass', () => {
    expect(safeHttpUrl('https://h/x?a="b"')).toBe('https://h/x?a=%22b%22');
    expect(safeHttpUrl('HTTP://H:80/')).toBe('http://h/');
    for (const bad of ['javascript:alert(1)', 'jav\tascript:alert(1)', 'data:text/html,x', 'vbscript:x', '//evil', 'file:///etc', '', undefined]) {
      expect(safeHttpUrl(bad)).toBeUndefined();
    }
  });

  test('Spark formats: dates and durations', () => {
    expect(formatDate(Date.parse('2024-01-31T23:59:58Z'))).toBe('2024/01/31 23:59:58');
    expect([42, 500, 12_000, 150_000, 2_520_000, 4_680_000].map(formatDuration)).toEqual(['42 ms', '0.5 s', '12 s', '2.5 min', '42 min', '1.3 h']);
  });
});

describe('uiDriverFrom', () => {
  const config = dispatcherConfig();
  const resources = allResources();
  const byName = (name: string) => resources.find((r) => r.metadata.name === name)!;

  test('the command is the core plan\'s; the environment names the attempt it is for', () => {
    const resource = byName('rerun');
    const built = specFromSubmission(toSubmission(resource));
    if (!built.ok) throw new Error('unexpected');
    const plan = planDriverTask(built.spec, config);
    if (!plan.ok) throw new Error('unexpected');
    const driver = uiDriverFrom(resource, config);
    expect(driver.command).toBe(plan.plan.command);
    expect(driver.plannedTaskId).toBe('driver-20240301100600-0006-retry-1');
    expect(driver.environment).toEqual({ SPARK_SUBMIT_OPTS: ` -Dspark.mesos.driver.frameworkId=${FW}-driver-20240301100600-0006-retry-1` });
    expect(driver.sizing).toEqual({ cpus: 1, driverMemoryMiB: 1024, overheadMiB: 384, containerMemoryMiB: 1408 });
    expect(driver.retryPolicy).toEqual({ maxRetries: 3, maxWaitSeconds: 30, resetAfterMs: undefined });
  });

  test('a driver without a status: the first task, the framework ID given or a placeholder', () => {
    const pending = byName('pending');
    expect(uiDriverFrom(pending, config, { frameworkId: 'fw-1' }).environment?.SPARK_SUBMIT_OPTS)
      .toBe(' -Dspark.mesos.driver.frameworkId=fw-1-driver-20240301100000-0001');
    expect(uiDriverFrom(pending, config).environment?.SPARK_SUBMIT_OPTS).toContain(UNKNOWN_FRAMEWORK_ID);
  });

  test('Mesos secret variables carry no value; unplannable drivers carry their problems', () => {
    expect(uiDriverFrom(byName('with-credentials'), config).environment).toMatchObject({ DB_USER: MASK, DB_PASSWORD: MASK });
    const rejected = uiDriverFrom(byName('rejected'), config);
    expect(rejected.command).toBeUndefined();
    expect(rejected.problems?.join()).toMatch(/spark\.mesos\.driver\.constraints/);
    const badSupervise = { ...byName('pending'), spec: { ...byName('pending').spec, sparkProperties: { 'spark.driver.supervise': 'maybe' } } };
    expect(uiDriverFrom(badSupervise, config).problems?.[0]).toMatch(/^spec\.sparkProperties\[spark\.driver\.supervise\]: 'maybe' is not true or false/);
  });
});
