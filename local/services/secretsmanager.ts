/**
 * Secrets Manager: secrets with versions and staging labels, GetSecretValue, and DeleteSecret's two
 * paths — ForceDeleteWithoutRecovery (gone now) or a recovery window of 7–30 days (default 30) during
 * which the secret still exists, refuses to be read, and blocks its name; it is purged on twin time.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { page, recordToTags, tagsToRecord } from '../core/paging';
import { AwsError, type InventoryItem, type OpContext, type ServiceBehaviour, type TwinEnv } from '../core/types';

interface Version { VersionId: string; SecretString?: string; SecretBinary?: string; CreatedDate: number; stages: string[] }
interface Secret {
  ARN: string; Name: string; Description?: string; KmsKeyId?: string; Tags: Record<string, string>;
  versions: Version[]; CreatedDate: number; LastChangedDate: number; LastAccessedDate?: number;
  DeletedDate?: number; DeletionDate?: number; region: string;
}

const DAY = 86_400_000;
const notFound = (): AwsError => new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400);
const invalidParam = (m: string): AwsError => new AwsError('InvalidParameterException', m, 400);
const invalidRequest = (m: string): AwsError => new AwsError('InvalidRequestException', m, 400);

export class SecretsManagerService implements ServiceBehaviour {
  readonly signingName = 'secretsmanager';
  private secrets = new Map<string, Secret>();
  private readonly purgeTimers = new Map<string, () => void>();

  constructor(private readonly env: TwinEnv) {}

  private key(region: string, name: string): string { return `${region}|${name}`; }

  /** By name, full ARN, or partial ARN (without the random suffix), in the caller's region. */
  private find(id: unknown, region: string): Secret {
    if (typeof id !== 'string') throw notFound();
    const byName = this.secrets.get(this.key(region, id));
    if (byName) return byName;
    for (const s of this.secrets.values()) {
      if (s.region !== region) continue;
      if (s.ARN === id || s.ARN.slice(0, -7) === id) return s;
    }
    throw notFound();
  }


  private schedulePurge(s: Secret): void {
    if (s.DeletionDate === undefined) return;
    const k = this.key(s.region, s.Name);
    this.purgeTimers.get(k)?.();
    this.purgeTimers.set(k, this.env.clock.setTimer(s.DeletionDate - this.env.clock.now(), () => {
      this.purgeTimers.delete(k);
      if (this.secrets.get(k) === s) { this.secrets.delete(k); this.env.changed(); }
    }));
  }

  readonly operations = {
    CreateSecret: (input: Record<string, unknown>, ctx: OpContext) => {
      const name = input.Name as string;
      if (!/^[A-Za-z0-9/_+=.@-]+$/.test(name)) throw invalidParam('Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
      if (input.SecretString !== undefined && input.SecretBinary !== undefined) throw invalidParam('You can\'t specify both a binary secret value and a string secret value in the same secret.');
      const token = (input.ClientRequestToken as string | undefined) ?? randomUUID();
      const existing = this.secrets.get(this.key(ctx.region, name));
      const value = { SecretString: input.SecretString as string | undefined, SecretBinary: (input.SecretBinary as Buffer | undefined)?.toString('base64') };
      if (existing) {
        if (existing.DeletedDate !== undefined) throw invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
        // A retried create with the same token and value is the same request (idempotency).
        const v = existing.versions.find((x) => x.VersionId === token);
        if (v && v.SecretString === value.SecretString && v.SecretBinary === value.SecretBinary) return { ARN: existing.ARN, Name: existing.Name, VersionId: v.VersionId };
        throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`, 400);
      }
      const now = this.env.clock.now();
      const suffix = randomBytes(4).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 6);
      const s: Secret = {
        ARN: `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${name}-${suffix}`, Name: name, region: ctx.region,
        Description: input.Description as string | undefined, KmsKeyId: input.KmsKeyId as string | undefined, Tags: tagsToRecord(input.Tags),
        versions: value.SecretString !== undefined || value.SecretBinary !== undefined ? [{ VersionId: token, ...value, CreatedDate: now, stages: ['AWSCURRENT'] }] : [],
        CreatedDate: now, LastChangedDate: now,
      };
      this.secrets.set(this.key(ctx.region, name), s);
      return { ARN: s.ARN, Name: s.Name, VersionId: s.versions[0]?.VersionId };
    },

    DescribeSecret: (input: Record<string, unknown>, ctx: OpContext) => {
      const s = this.find(input.SecretId, ctx.region);
      return {
        ARN: s.ARN, Name: s.Name, Description: s.Description, KmsKeyId: s.KmsKeyId, RotationEnabled: false,
        LastChangedDate: new Date(s.LastChangedDate), LastAccessedDate: s.LastAccessedDate ? new Date(s.LastAccessedDate) : undefined,
        DeletedDate: s.DeletedDate ? new Date(s.DeletedDate) : undefined, CreatedDate: new Date(s.CreatedDate),
        Tags: recordToTags(s.Tags), VersionIdsToStages: Object.fromEntries(s.versions.map((v) => [v.VersionId, v.stages])),
      };
    },

    GetSecretValue: (input: Record<string, unknown>, ctx: OpContext) => {
      const s = this.find(input.SecretId, ctx.region);
      if (s.DeletedDate !== undefined) throw invalidRequest("You can't perform this operation on the secret because it was marked for deletion.");
      const stage = (input.VersionStage as string | undefined) ?? (input.VersionId ? undefined : 'AWSCURRENT');
      const v = s.versions.find((x) => (!input.VersionId || x.VersionId === input.VersionId) && (!stage || x.stages.includes(stage)));
      if (!v) throw new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for ${input.VersionId ? `VersionId: ${String(input.VersionId)}` : `staging label: ${stage}`}`, 400);
      s.LastAccessedDate = Math.floor(this.env.clock.now() / DAY) * DAY;
      return {
        ARN: s.ARN, Name: s.Name, VersionId: v.VersionId, SecretString: v.SecretString,
        SecretBinary: v.SecretBinary !== undefined ? Buffer.from(v.SecretBinary, 'base64') : undefined, VersionStages: v.stages, CreatedDate: new Date(v.CreatedDate),
      };
    },

    DeleteSecret: (input: Record<string, unknown>, ctx: OpContext) => {
      const s = this.find(input.SecretId, ctx.region);
      const force = input.ForceDeleteWithoutRecovery === true;
      const days = input.RecoveryWindowInDays as number | undefined;
      if (force && days !== undefined) throw invalidParam("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
      if (days !== undefined && (days < 7 || days > 30)) throw invalidParam('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
      const now = this.env.clock.now();
      if (force) {
        this.secrets.delete(this.key(s.region, s.Name));
        this.purgeTimers.get(this.key(s.region, s.Name))?.();
        return { ARN: s.ARN, Name: s.Name, DeletionDate: new Date(now) };
      }
      if (s.DeletedDate !== undefined) throw invalidRequest("You can't perform this operation on the secret because it was already scheduled for deletion.");
      s.DeletedDate = now;
      s.DeletionDate = now + (days ?? this.env.latency['secretsmanager.recoveryWindow.defaultDays'] ?? 30) * DAY;
      this.schedulePurge(s);
      return { ARN: s.ARN, Name: s.Name, DeletionDate: new Date(s.DeletionDate) };
    },

    TagResource: (input: Record<string, unknown>, ctx: OpContext) => {
      const s = this.find(input.SecretId, ctx.region);
      if (s.DeletedDate !== undefined) throw invalidRequest("You can't perform this operation on the secret because it was marked for deletion.");
      Object.assign(s.Tags, tagsToRecord(input.Tags));
      return {};
    },

    ListSecrets: (input: Record<string, unknown>, ctx: OpContext) => {
      const filters = (input.Filters ?? []) as { Key?: string; Values?: string[] }[];
      const matches = (s: Secret): boolean => filters.every((f) => (f.Values ?? []).some((raw) => {
        const negate = raw.startsWith('!');
        const v = negate ? raw.slice(1) : raw;
        const tagKeys = Object.keys(s.Tags);
        const hit = f.Key === 'name' ? s.Name.startsWith(v)
          : f.Key === 'description' ? (s.Description ?? '').startsWith(v)
          : f.Key === 'tag-key' ? tagKeys.some((k) => k.startsWith(v))
          : f.Key === 'tag-value' ? Object.values(s.Tags).some((x) => x.startsWith(v))
          : f.Key === 'all' ? [s.Name, s.Description ?? '', ...tagKeys, ...Object.values(s.Tags)].some((x) => x.startsWith(v))
          : false;
        return negate ? !hit : hit;
      }));
      const list = [...this.secrets.values()]
        .filter((s) => s.region === ctx.region && (input.IncludePlannedDeletion === true || s.DeletedDate === undefined) && matches(s))
        .sort((a, b) => (input.SortOrder === 'asc' ? a.CreatedDate - b.CreatedDate : b.CreatedDate - a.CreatedDate));
      const p = page(list, input.MaxResults as number | undefined, input.NextToken as string | undefined, 100);
      return {
        SecretList: p.items.map((s) => ({
          ARN: s.ARN, Name: s.Name, Description: s.Description, KmsKeyId: s.KmsKeyId, Tags: recordToTags(s.Tags),
          CreatedDate: new Date(s.CreatedDate), LastChangedDate: new Date(s.LastChangedDate), DeletedDate: s.DeletedDate ? new Date(s.DeletedDate) : undefined,
          SecretVersionsToStages: Object.fromEntries(s.versions.map((v) => [v.VersionId, v.stages])),
        })),
        NextToken: p.nextToken,
      };
    },
  };

  /** Live secrets: one scheduled for deletion can no longer be used and AWS purges it itself. */
  inventory(): InventoryItem[] {
    return [...this.secrets.values()].filter((s) => s.DeletedDate === undefined).map((s) => ({ service: 'secretsmanager', type: 'secret', id: s.ARN, tags: { ...s.Tags } }));
  }
  snapshot(): Secret[] { return [...this.secrets.values()]; }
  restore(state: unknown): void {
    this.secrets = new Map((state as Secret[]).map((s) => [this.key(s.region, s.Name), s]));
    for (const s of this.secrets.values()) this.schedulePurge(s);
  }
  stop(): void { for (const cancel of this.purgeTimers.values()) cancel(); this.purgeTimers.clear(); }
}

export const createSecretsManager = (env: TwinEnv): SecretsManagerService => new SecretsManagerService(env);
