/**
 * The shapes the console reads: the API's own types (functions/lib/api/schemas.ts, type-only, so
 * nothing of the server is bundled) and the create form's spec compiled in by console/build.ts.
 */
import type * as z from 'zod';
import type { channelEventsSchema, ChannelDetail, ChannelListItem, ChannelSummary, Broadcast, ErrorBody } from '../../functions/lib/api/schemas';

export type { ChannelDetail, ChannelListItem, ChannelSummary, Broadcast, ErrorBody };
export type ChannelEvents = z.infer<typeof channelEventsSchema>;
export type RecoveryAction = ChannelDetail['recoveryActions'][number];
export type AlarmState = NonNullable<ChannelDetail['alarmStates']>[number];
export type Notice = ChannelDetail['notices'][number];

export interface FieldSpec {
  /** Dotted path in the request body (`overrides.input.allowedCidrs`); the API's errors name `body.<path>…`. */
  path: string;
  label: string;
  kind: 'text' | 'choice' | 'list' | 'boolean';
  choices?: string[];
  default?: string | boolean;
  description?: string;
  pattern?: string;
  maxItems?: number;
}

export interface FormSpec {
  fields: FieldSpec[];
}
