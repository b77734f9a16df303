/**
 * Fault matrix, start: every AWS operation the workflow calls and every function, × the fault
 * kinds of lib/matrix.ts. A start ends ON_AIR — or failed with the channel's resources all still
 * recorded (no orphan, nothing unknown to the registry) and a notification. Stop: its own file
 * (one local cloud per test file: handler modules keep the first cloud's clients).
 */
import { matrixSuite, provisioned } from './lib/matrix-suite';

describe('fault matrix: start', () => {
  matrixSuite({
    suite: 'fault-matrix-start', workflow: 'start', profileName: 'default', prefix: 'fms',
    prepare: async (c, cloud, channelId) => { await provisioned(c, cloud, channelId, 'default', false); return { channelId }; },
    successStatus: 'ON_AIR', failureLeavesNothing: false,
  });
});
