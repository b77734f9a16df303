/** The sweeper's Secrets Manager lister: MediaPackage v1's CDN-authorization secrets (the list carries the tags). */
import { ListSecretsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { allPages } from '../../paging';
import { ownerIn, tagMap, type ListerConfig, type TaggedResource } from '../tagged';

export async function listSecrets(deps: { secretsmanager: SecretsManagerClient; config: ListerConfig }): Promise<TaggedResource[]> {
  const own = ownerIn(deps.config.stage);
  const found: TaggedResource[] = [];
  for (const s of await allPages((t) => deps.secretsmanager.send(new ListSecretsCommand({ NextToken: t })).then((o) => ({ items: o.SecretList ?? [], next: o.NextToken })))) {
    const o = own(tagMap(s.Tags));
    // A secret already scheduled for deletion is gone as far as OnAir is concerned.
    if (o && s.ARN && !s.DeletedDate) found.push({ ...o, service: 'secretsmanager', type: 'secret', id: s.ARN, arn: s.ARN, path: ['packager', 'cdnSecretArn'], value: s.ARN });
  }
  return found;
}
