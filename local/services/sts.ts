/** STS: the caller is always the twin's one account, as local credentials cannot name another. */
import type { ServiceBehaviour, TwinEnv } from '../core/types';

export function createSts(env: TwinEnv): ServiceBehaviour {
  return {
    signingName: 'sts',
    operations: {
      GetCallerIdentity: () => ({
        UserId: 'AIDATWINLOCALUSER0001',
        Account: env.accountId,
        Arn: `arn:aws:iam::${env.accountId}:user/onair-local`,
      }),
    },
    inventory: () => [],
  };
}
