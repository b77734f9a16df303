/**
 * The errors catalogue (functions/lib/errors.ts): every class is an OnAirError named after itself
 * (what the state machines' Retry/Catch match), and every OnAir error name a state machine matches
 * is a class of the catalogue — renaming one would silently stop a Retry or a Catch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as catalogue from '../../../functions/lib/errors';
import { loadWorkflows } from '../../../local/onair/workflows';

const ROOT = join(__dirname, '..', '..', '..');
const classes = Object.entries(catalogue).filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof catalogue.OnAirError) as [string, new (...args: never[]) => catalogue.OnAirError][];

/** ErrorEquals names anywhere in a definition (Retry and Catch, nested Parallel branches included). */
function errorNames(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => errorNames(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'ErrorEquals' && Array.isArray(v)) v.forEach((n) => out.add(String(n)));
      else errorNames(v, out);
    }
  }
  return out;
}

describe('errors catalogue', () => {
  it('every class is an OnAirError whose name is its class name, written as a literal (minifiers rename classes)', () => {
    expect(classes.length).toBeGreaterThan(15);
    const source = readFileSync(join(ROOT, 'functions', 'lib', 'errors.ts'), 'utf8');
    for (const [exported, Cls] of classes) {
      expect(Cls.name).toBe(exported);
      expect({ exported, literal: new RegExp(`export class ${exported} extends OnAirError \\{\\n  override readonly name = '${exported}';`).test(source) }).toEqual({ exported, literal: true });
    }
    expect(new catalogue.ChannelNotReadyError('1234', 'CREATING').name).toBe('ChannelNotReadyError');
    expect(new catalogue.AwsThrottledError('slow down').name).toBe('AwsThrottledError');
  });

  it('answers the API only with 4xx, each with an error code', () => {
    const refused = new catalogue.ChannelBusyError('show-1', 'provision');
    expect(refused.http).toEqual({ status: 409, error: 'Conflict', details: [{ field: 'operationInProgress', message: 'provision' }] });
    expect(new catalogue.AwsTransientError('boom').http).toBeUndefined();
    expect(new catalogue.ValidationError('bad', [{ field: 'body.channelId', message: 'too long' }]).http).toEqual({ status: 400, error: 'ValidationError', details: [{ field: 'body.channelId', message: 'too long' }] });
  });

  it('every OnAir error a state machine retries or catches is a class of the catalogue', () => {
    const workflows = loadWorkflows({ root: ROOT });
    const matched = new Set<string>();
    for (const sm of Object.values(workflows.stateMachines)) errorNames(sm.definition, matched);
    // AWS's and Step Functions' own names (States.*, Lambda.*, Sandbox.*, StepFunctions.*, service
    // exceptions), and OnAir's SendTaskFailure error (functions/lib/waits.ts), are not classes.
    const ours = [...matched].filter((n) => !/^(States|Lambda|Sandbox|StepFunctions|OnAir)\./.test(n) && !/Exception$/.test(n) && !['PreconditionFailed', 'DistributionNotDisabled', 'OriginAccessControlInUse'].includes(n));
    expect(ours.length).toBeGreaterThan(5);
    const names = new Set(classes.map(([n]) => n));
    expect(ours.filter((n) => !names.has(n))).toEqual([]);
  });
});
