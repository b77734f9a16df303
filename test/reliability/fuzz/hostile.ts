/** Hostile values shared by the fuzz suites, and the leak check applied to every answer and log line. */
import fc from 'fast-check';

/** The credential the fuzzed code's clients sign with: it must never appear anywhere. */
export const SECRET_ACCESS_KEY = 'fuzzSecretKey/9f8e7d6c5b4a3210zyxw';

const INJECTIONS = [
  "' OR '1'='1", '"; DROP TABLE channels; --', '${jndi:ldap://x/a}', '{{7*7}}', '<script>alert(1)</script>', '../../etc/passwd',
  '%00', '\u0000', '\r\nX-Injected: 1', '$(reboot)', '`id`', '#s = :during', 'attribute_exists(channelId)', '__proto__', 'constructor',
  '\u202e', '\ud800', '😀'.repeat(100), 'A'.repeat(70_000), ' ', '\t\n', '-1', 'NaN', 'Infinity', '1e309', 'null', 'undefined', 'true',
  'arn:aws:iam::111122223333:role/admin', '0.0.0.0/0', '::/0',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 200, maxLength: 2000 }),
);

/** Any JSON-ish value, biased to the wrong type for whatever field it lands in. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.constantFrom(null, true, false, 0, -1, 1.5, -0, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'channelId', 'profile', 'overrides', 'input', 'allowedCidrs'), fc.string({ maxLength: 10 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Returns what leaked (stack trace, source path, credential), or undefined. */
export function leaks(text: string): string | undefined {
  if (text.includes(SECRET_ACCESS_KEY)) return 'credential';
  if (/\n\s+at [^\n]+\(?[/\\][^\n]+:\d+:\d+\)?/.test(text) || /"stack"\s*:/.test(text)) return 'stack trace';
  if (/\/work\/|node_modules|functions\/lib\//.test(text)) return 'internal path';
  if (/\$metadata|requestId|RequestId/.test(text)) return 'AWS request id';
  return undefined;
}

/** Captures everything written to stdout/stderr (the Powertools logger's JSON lines) until stop(). */
export function captureLogs(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown): boolean => { lines.push(String(chunk)); return true; };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return { lines, stop: () => { process.stdout.write = out; process.stderr.write = err; } };
}
