/**
 * Workflow settings (which state machine runs each workflow, how Scheduler starts them, the
 * default lead of a broadcast), read once from the environment serverless.yml (or the local API)
 * sets. Lazy getters: a function only needs the variables it uses. The API adds its own
 * (functions/lib/api/settings.ts).
 */
import { getEnvOrThrow } from '../config';

export type Workflow = 'provision' | 'start' | 'stop' | 'teardown';

export interface WorkflowSettings {
  stateMachineArn(workflow: Workflow): string;
  /** EventBridge Scheduler group holding every OnAir schedule. */
  scheduleGroup: string;
  /** Role Scheduler assumes to call states:StartExecution. */
  schedulerRoleArn: string;
  /** SQS queue receiving schedule invocations that failed after their retries. */
  schedulesDlqArn: string;
  /**
   * Default lead time of a planned broadcast. 900 s: AWS's start waiter allows 10 min for
   * STARTING → RUNNING (aws-facts.md) and provisioning adds the CDN deployment in parallel.
   */
  defaultLeadSeconds: number;
}

const ENV_BY_WORKFLOW: Record<Workflow, string> = {
  provision: 'PROVISION_STATE_MACHINE_ARN',
  start: 'START_STATE_MACHINE_ARN',
  stop: 'STOP_STATE_MACHINE_ARN',
  teardown: 'TEARDOWN_STATE_MACHINE_ARN',
};

export const DEFAULT_LEAD_SECONDS = 900;

export function loadWorkflowSettings(env: NodeJS.ProcessEnv = process.env): WorkflowSettings {
  return {
    stateMachineArn: (workflow) => getEnvOrThrow(ENV_BY_WORKFLOW[workflow], env),
    get scheduleGroup() { return env.ONAIR_SCHEDULE_GROUP || 'onair'; },
    get schedulerRoleArn() { return getEnvOrThrow('SCHEDULER_ROLE_ARN', env); },
    get schedulesDlqArn() { return getEnvOrThrow('SCHEDULES_DLQ_ARN', env); },
    get defaultLeadSeconds() {
      const raw = env.ONAIR_DEFAULT_LEAD_SECONDS;
      const n = raw === undefined || raw === '' ? DEFAULT_LEAD_SECONDS : Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new Error('ONAIR_DEFAULT_LEAD_SECONDS must be a whole number of seconds');
      return n;
    },
  };
}
