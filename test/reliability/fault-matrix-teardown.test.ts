/**
 * Fault matrix, teardown of a running channel (MediaPackage v1, so the secret's deletion is
 * covered too): every AWS operation and function × the fault kinds of lib/matrix.ts. A teardown
 * ends DELETED with nothing left, or failed with every remaining resource still recorded (a rerun
 * or the sweeper finishes it) and a notification listing what is left.
 */
import { matrixSuite, provisioned } from './lib/matrix-suite';

describe('fault matrix: teardown', () => {
  matrixSuite({
    suite: 'fault-matrix-teardown', workflow: 'teardown', profileName: 'mediapackage-v1', prefix: 'fmt',
    prepare: async (c, cloud, channelId) => { await provisioned(c, cloud, channelId, 'mediapackage-v1', true); return { channelId }; },
    successStatus: 'DELETED', failureLeavesNothing: false,
  });
});
