/**
 * Fault matrix, stop: every AWS operation the workflow calls and every function, × the fault kinds
 * of lib/matrix.ts. A stop ends IDLE — or failed with the channel's resources all still recorded
 * and a notification.
 */
import { matrixSuite, provisioned } from './lib/matrix-suite';

describe('fault matrix: stop', () => {
  matrixSuite({
    suite: 'fault-matrix-stop', workflow: 'stop', profileName: 'default', prefix: 'fmx',
    prepare: async (c, cloud, channelId) => { await provisioned(c, cloud, channelId, 'default', true); return { channelId }; },
    successStatus: 'IDLE', failureLeavesNothing: false,
  });
});
