// The UI's drivers are parsed and planned once per version of each resource: the same informer
// object gives the same UiDriver, a changed (new) object a new one, a new framework ID re-plans
// everything (it is in every command), and an object that does not parse is left out. What is
// kept of each is what the listing shows; the command line is planned again when read.
import { cachedUiDrivers, uiDriverFrom } from '../../src/ui/index.ts';
import { parseSparkDriver } from '../../src/sparkdriver/sparkdriver.ts';
import { allResources, dispatcherConfig, FW } from './fixtures.ts';

test('one UiDriver per object until the object or the framework ID changes', () => {
  const uiDrivers = cachedUiDrivers(dispatcherConfig());
  // The two fixtures with properties put in after parsing do not parse: they are left out.
  const objects: object[] = allResources().map((r) => Object.freeze(structuredClone(r)));
  const first = uiDrivers(objects, undefined);
  expect(first.map((d) => d.resource.metadata.name)).toEqual(allResources().map((r) => r.metadata.name).filter((n) => n !== 'launch-error' && n !== 'rejected'));
  // A driver without a status is planned under the dispatcher's framework ID, unknown so far.
  expect(first[0]?.environment?.SPARK_SUBMIT_OPTS).toContain('<framework-id>');
  const again = uiDrivers(objects, undefined);
  expect(again.every((d, i) => d === first[i])).toBe(true);

  const changed = [...objects];
  changed[0] = structuredClone(objects[0]!);
  const afterChange = uiDrivers(changed, undefined);
  expect(afterChange[0]).not.toBe(first[0]);
  expect(afterChange[1]).toBe(first[1]);

  const registered = uiDrivers(changed, FW);
  expect(registered[1]).not.toBe(first[1]);
  expect(registered[0]?.environment?.SPARK_SUBMIT_OPTS).toContain(FW);

  expect(uiDrivers([...objects, { metadata: { name: 'broken' } }], FW)).toHaveLength(first.length);
});

test('a listed driver keeps no command line or environment: they are planned when a page reads them', () => {
  const config = dispatcherConfig();
  const objects: object[] = allResources().map((r) => Object.freeze(structuredClone(r)));
  const [listed] = cachedUiDrivers(config)(objects, FW);
  const parsed = parseSparkDriver(objects[0]);
  const planned = parsed.ok ? uiDriverFrom(parsed.resource, config, { frameworkId: FW }) : undefined;
  expect(Object.hasOwn(listed!, 'command') || Object.hasOwn(listed!, 'environment')).toBe(false);
  expect(listed?.command).toBe(planned?.command);
  expect(listed?.environment).toEqual(planned?.environment);
});
