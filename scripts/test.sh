#!/usr/bin/env bash
# Runs the type check, the linter and the Jest suite, then prints the closing line CI reads:
# "N passed, N failed", computed from Jest's JSON report. A failed type check or lint counts as
# one failed test each, so the line never hides them; the exit status is non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
report=.jest.json
rm -f "$report" .jest-counts.json
extra_failed=0

echo "== tsc --noEmit"
if ! npx --no-install tsc -p tsconfig.json --noEmit; then extra_failed=$((extra_failed + 1)); fi
echo "== eslint"
if ! npx --no-install eslint .; then extra_failed=$((extra_failed + 1)); fi
echo "== jest"
npm test --silent -- --json --outputFile="$report" "$@"
jest_status=$?

npx --no-install node -e '
const fs = require("node:fs");
const extra = Number(process.argv[1]);
let passed = 0, failed = 0;
try {
  const r = JSON.parse(fs.readFileSync(".jest.json", "utf8"));
  passed = r.numPassedTests;
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
} catch {
  // No --json report (Jest could not serialise a failure): the counts reporter still wrote the numbers.
  try {
    ({ passed, failed } = JSON.parse(fs.readFileSync(".jest-counts.json", "utf8")));
  } catch { failed = 1; }
}
console.log(`${passed} passed, ${failed + extra} failed`);
' "$extra_failed"

if [ "$jest_status" -ne 0 ] || [ "$extra_failed" -ne 0 ]; then exit 1; fi
