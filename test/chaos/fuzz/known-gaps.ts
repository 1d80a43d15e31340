// What a SparkDriver manifest can carry past the CRD's rules and the operator's admission then
// refuses at once (see test/operator/crd-gaps.test.ts): the kinds of refusal the fuzzer may meet.
// A kind not listed here is a new gap. An undeclared queue is the dispatcher's own configuration,
// which no CRD can know.
export const KNOWN_ADMISSION_GAPS: readonly RegExp[] = [
  /spark\.mesos\.appJar\.local\.resolution\.mode/,
  /spark\.mesos\.driver\.secret\./,
  /spark\.mesos\.executor\.docker\.image: set but empty/,
  /spark\.mesos\.driver\.labels/,
  /spark\.mesos\.driver\.constraints/,
  /appResource: empty/,
  /command line would be N bytes/,
  /UnknownQueue/,
];

export function isKnownGap(kind: string): boolean {
  return KNOWN_ADMISSION_GAPS.some((gap) => gap.test(kind));
}
