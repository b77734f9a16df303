import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Created once per container; endpoint and region come from the SDK's standard settings. */
export const secretsmanager = new SecretsManagerClient({});
