// A Jest reporter that writes only the pass/fail counts to .jest-counts.json. scripts/test.sh
// reads Jest's --json report first; this is its fallback for the run where Jest cannot write
// that report (it throws on a failure whose error object is circular, and then writes nothing).
import { writeFileSync } from 'node:fs';

export default class CountsReporter {
  onRunComplete(_contexts, results) {
    const counts = { passed: results.numPassedTests, failed: results.numFailedTests + results.numRuntimeErrorTestSuites };
    writeFileSync('.jest-counts.json', JSON.stringify(counts));
  }
}
