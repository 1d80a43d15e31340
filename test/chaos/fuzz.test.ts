// The short fuzz run of `make test`: generated submissions (shell payloads, metacharacters,
// Unicode, control characters, sizes at the limits) through the REST create endpoint and as
// manifests through the API server; everything accepted is replayed under `sh -c`.
import { isKnownGap } from './fuzz/known-gaps.ts';
import { runFuzz } from './fuzz/run-fuzz.ts';

test('fuzzed REST requests and manifests: no crash, no 5xx, no payload executed, nothing accepted that cannot start', async () => {
  const report = await runFuzz(20261207, 400);
  if (report.findings.length > 0) console.log(report.findings);
  for (const channel of [report.rest, report.manifests, report.rawBodies]) {
    expect({ crashes: channel.crashes, http5xx: channel.http5xx }).toEqual({ crashes: 0, http5xx: 0 });
  }
  // The run did what it is for: inputs got through and were replayed.
  expect(report.rest.accepted).toBeGreaterThan(10);
  expect(report.manifests.accepted).toBeGreaterThan(10);
  expect(report.replays).toBeGreaterThan(20);
  expect({ executed: report.executedPayloads, unstartable: report.unstartable, altered: report.alteredArguments })
    .toEqual({ executed: 0, unstartable: 0, altered: 0 });
  expect(report.refusedAtAdmission.rest).toEqual({});
  expect(Object.keys(report.refusedAtAdmission.manifests).filter((kind) => !isKnownGap(kind))).toEqual([]);
}, 120_000);
