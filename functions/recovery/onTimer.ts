/**
 * recoveryTimer, the decider the recover and observe state machines call (statemachines/): timers,
 * MediaLive actions' results, the reconciler's observations (functions/lib/recovery/decider.ts).
 */
import { stepHandler } from '../lib/handler';
import { deciderExecution, recoveryTimer, recoveryTimerInput } from '../lib/recovery/decider';
import { deps } from './deps';

export { onObserved, onResult, onTimer, recoveryTimer, recoveryTimerInput, timerInput } from '../lib/recovery/decider';

// A timer task runs in the timer's own recover execution, named after the timer (armTimer), not in
// the workflow that holds the channel; result and observed inputs name their execution.
export const handler = stepHandler('recoveryTimer', recoveryTimerInput, (input) => recoveryTimer(input, deps), { execution: deciderExecution });
