/**
 * Fault matrix, start and stop: every AWS operation each workflow calls and every function, × the
 * fault kinds of lib/matrix.ts. A start ends ON_AIR, a stop IDLE — or failed with the channel's
 * resources all still recorded (no orphan, nothing unknown to the registry) and a notification.
 */
import { matrixSuite, provisioned } from './lib/matrix-suite';

describe('fault matrix: start', () => {
  matrixSuite({
    suite: 'fault-matrix-start', workflow: 'start', profileName: 'default', prefix: 'fms',
    prepare: async (c, cloud, channelId) => { await provisioned(c, cloud, channelId, 'default', false); return { channelId }; },
    successStatus: 'ON_AIR', failureLeavesNothing: false,
  });
});

describe('fault matrix: stop', () => {
  matrixSuite({
    suite: 'fault-matrix-stop', workflow: 'stop', profileName: 'default', prefix: 'fmx',
    prepare: async (c, cloud, channelId) => { await provisioned(c, cloud, channelId, 'default', true); return { channelId }; },
    successStatus: 'IDLE', failureLeavesNothing: false,
  });
});
