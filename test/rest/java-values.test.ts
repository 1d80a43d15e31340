// The JVM parsers behind the original's property checks: what each accepts and refuses.
import { isJavaBoolean, isJavaDouble, isSparkMemoryString } from '../../src/rest/java-values.ts';

describe("isJavaBoolean: Scala's toBoolean", () => {
  test.each(['true', 'false', 'TRUE', 'False', 'tRuE'])('accepts %j', (text) => expect(isJavaBoolean(text)).toBe(true));
  test.each(['', 'yes', '1', ' true', 'true ', 'nope, never'])('refuses %j', (text) => expect(isJavaBoolean(text)).toBe(false));
});

describe("isJavaDouble: Java's Double.parseDouble", () => {
  test.each(['1', '180', '-2', '+3', '1.5', '1.', '.5', '1e3', '1E-3', '2d', '2.5F', 'NaN', '-Infinity', ' 4 ', '\t4\n', '0x1p3', '0X1.8P1'])(
    'accepts %j', (text) => expect(isJavaDouble(text)).toBe(true));
  test.each(['', '.', 'one hundred feet', 'two men', '1,5', '1e', 'nan', 'inf', '0x1', '1_000', '١'])(
    'refuses %j', (text) => expect(isJavaDouble(text)).toBe(false));
});

describe("isSparkMemoryString: Spark's Utils.memoryStringToMb", () => {
  test.each(['512', '512b', '1k', '1kb', '2000M', '2000m', '4g', '4GB', '1t', '1p', '1pb', ' 3g ', '0', '9223372036854775807', '8191p'])(
    'accepts %j', (text) => expect(isSparkMemoryString(text)).toBe(true));
  test.each(['', 'g', '1.5g', '-1g', '4 g', '1x', '1gib', 'lots', '9223372036854775808', '8192p', '99999999999999999999k'])(
    'refuses %j', (text) => expect(isSparkMemoryString(text)).toBe(false));
});
