/**
 * Every request body in examples/ goes through what POST /channels does with it: the route's
 * zod schema (createChannelBody) and then profileFromRequest (the named built-in profile merged
 * with the overrides, validated as a whole). The profile schema strips keys it does not know, so a
 * misspelt override would be accepted and silently ignored by the API: any key of an example's
 * overrides missing from the resolved profile fails here too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChannelBody } from '../../../functions/lib/api/schemas';
import { profileFromRequest } from '../../../functions/lib/api/channels';
import type { Profile } from '../../../functions/lib/profile';

const EXAMPLES = join(__dirname, '../../../examples');
const jsonFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Paths of `overrides` that the resolved profile does not have (keys the schema dropped). */
function droppedKeys(overrides: unknown, resolved: unknown, path = 'overrides'): string[] {
  if (Array.isArray(overrides)) {
    return overrides.flatMap((item, i) => droppedKeys(item, Array.isArray(resolved) ? resolved[i] : undefined, `${path}.${i}`));
  }
  if (!isPlainObject(overrides)) return [];
  return Object.entries(overrides).flatMap(([key, value]) =>
    isPlainObject(resolved) && key in resolved ? droppedKeys(value, resolved[key], `${path}.${key}`) : [`${path}.${key}`]);
}

/** What the API does with a POST /channels body, up to the point it would create anything. */
function validate(body: unknown): Profile {
  const parsed = createChannelBody.parse(body);
  const profile = profileFromRequest(parsed.profile, parsed.overrides);
  const dropped = droppedKeys(parsed.overrides ?? {}, profile);
  if (dropped.length > 0) throw new Error(`not part of the profile (the API would ignore them): ${dropped.join(', ')}`);
  return profile;
}

const read = (file: string): unknown => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));

describe('examples/', () => {
  it('holds the documented examples, each named in examples/README.md', () => {
    expect(jsonFiles).toEqual(expect.arrayContaining(['church-service.json', 'low-latency.json', 'sports-final.json']));
    const readme = readFileSync(join(EXAMPLES, 'README.md'), 'utf8');
    for (const file of jsonFiles) expect(readme).toContain(file);
  });

  it.each(jsonFiles)('%s is a valid POST /channels body', (file) => {
    expect(() => validate(read(file))).not.toThrow();
  });

  it('each example asks for what its README section says', () => {
    const church = validate(read('church-service.json'));
    expect([church.channelClass, church.costGuard.maxOnAirMinutes]).toEqual(['SINGLE_PIPELINE', 150]);
    const final = validate(read('sports-final.json'));
    expect([final.channelClass, final.recovery.slate?.type]).toEqual(['STANDARD', 'MP4_FILE']);
    expect(final.recovery.rules.find((r) => r.name === 'input-loss')).toMatchObject({ action: 'SWITCH_INPUT', target: 'slate' });
    const ll = validate(read('low-latency.json'));
    expect([ll.packager.lowLatencyHls, ll.delivery]).toEqual([true, 'dedicated']);
  });

  // The check above must be able to fail: the same bodies, broken the ways a hand edit breaks them.
  it('refuses a broken example: a bad field, an unknown top-level field, a misspelt override', () => {
    const church = read('church-service.json') as { overrides: { input: Record<string, unknown> } };
    expect(() => validate({ ...church, overrides: { ...church.overrides, input: { ...church.overrides.input, allowedCidrs: [] } } }))
      .toThrow(/allowedCidrs/);
    expect(() => validate({ ...church, profil: 'default' })).toThrow(/profil/);
    expect(() => validate({ ...church, overrides: { ...church.overrides, costGaurd: { maxOnAirMinutes: 60 } } }))
      .toThrow(/overrides\.costGaurd/);
  });
});
