/**
 * @aws-sdk/client-mediapackagev2 3.699.0 (the newest on npm) is built on @smithy/types 3.x while
 * every other client and aws-sdk-client-mock's typings use 4.x: the runtime is the same, only the
 * types clash. Tests mock that client through this loosely typed view and assert on the commands
 * actually sent with `sent()`, which checks the command class and returns the inputs.
 */
import { mockClient } from 'aws-sdk-client-mock';

export interface LooseBehaviour {
  resolves(value: object): LooseBehaviour;
  resolvesOnce(value: object): LooseBehaviour;
  rejects(error: unknown): LooseBehaviour;
  rejectsOnce(error: unknown): LooseBehaviour;
}
export interface LooseCall { args: [{ input: Record<string, unknown> }] }
export interface LooseStub {
  on(command: unknown, input?: object): LooseBehaviour;
  reset(): void;
  resetHistory(): void;
  calls(): LooseCall[];
}

export function looseMock(clientClass: unknown): LooseStub {
  return mockClient(clientClass as never) as unknown as LooseStub;
}

/** Inputs of every call of one command class, in order. */
export function sent(stub: LooseStub, command: abstract new (...args: never[]) => unknown): Record<string, unknown>[] {
  return stub.calls().filter((c) => c.args[0] instanceof command).map((c) => c.args[0].input);
}

/** Command class names in call order. */
export function sentNames(stub: LooseStub): string[] {
  return stub.calls().map((c) => (c.args[0] as unknown as { constructor: { name: string } }).constructor.name);
}
