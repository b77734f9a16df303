/**
 * The API's settings: the workflow settings (functions/lib/channel/settings.ts) plus what only
 * the API uses, the idempotency table. Lazy getters, as there: a function only needs the
 * variables it uses.
 */
import { getEnvOrThrow } from '../config';
import { loadWorkflowSettings, type WorkflowSettings } from '../channel/settings';

export interface LifecycleSettings extends WorkflowSettings {
  /** DynamoDB table of the Idempotency-Key answers (idempotency.ts). */
  idempotencyTable: string;
}

export function loadLifecycleSettings(env: NodeJS.ProcessEnv = process.env): LifecycleSettings {
  // defineProperty, not a spread: a spread would read (and so require) every variable now.
  return Object.defineProperty(loadWorkflowSettings(env), 'idempotencyTable', {
    get: () => getEnvOrThrow('IDEMPOTENCY_TABLE', env),
    enumerable: true,
  }) as LifecycleSettings;
}
