/**
 * Fault matrix, provisioning (MediaPackage v2, the default): every AWS operation the provision
 * workflow calls × {transient error once, persistent error, throttling storm, resource stuck in
 * its transitional state} and every function × {crash once, crash every time}. Each case ends
 * ON_AIR or fully rolled back (nothing in the inventory, nothing in the registry), with no orphan
 * and a notification for every failure. Start/stop and teardown: fault-matrix-*.test.ts.
 */
import { matrixSuite, provisionInput } from './lib/matrix-suite';

describe('fault matrix: provision', () => {
  matrixSuite({
    suite: 'fault-matrix', workflow: 'provision', profileName: 'default', prefix: 'fmp',
    prepare: async (_c, _cloud, channelId) => provisionInput(channelId, 'default'),
    successStatus: 'ON_AIR', failureLeavesNothing: true,
  });
});
