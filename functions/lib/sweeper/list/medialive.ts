/** The sweeper's MediaLive lister: channels, inputs and input security groups (their lists carry the tags). */
import { ListChannelsCommand, ListInputsCommand, ListInputSecurityGroupsCommand, type MediaLiveClient } from '@aws-sdk/client-medialive';
import { allPages } from '../../paging';
import { ownerIn, tagMap, type ListerConfig, type TaggedResource } from '../tagged';

export async function listMediaLive(deps: { medialive: MediaLiveClient; config: ListerConfig }): Promise<TaggedResource[]> {
  const { medialive } = deps;
  const own = ownerIn(deps.config.stage);
  const found: TaggedResource[] = [];
  for (const c of await allPages((t) => medialive.send(new ListChannelsCommand({ NextToken: t })).then((o) => ({ items: o.Channels ?? [], next: o.NextToken })))) {
    const o = own(tagMap(c.Tags));
    if (o && c.Id && c.State !== 'DELETED') found.push({ ...o, service: 'medialive', type: 'channel', id: c.Id, arn: c.Arn, path: ['medialiveChannelId'], value: c.Id });
  }
  for (const i of await allPages((t) => medialive.send(new ListInputsCommand({ NextToken: t })).then((o) => ({ items: o.Inputs ?? [], next: o.NextToken })))) {
    const o = own(tagMap(i.Tags));
    if (o && i.Id && i.State !== 'DELETED') found.push({ ...o, service: 'medialive', type: 'input', id: i.Id, arn: i.Arn, path: ['inputId'], value: i.Id });
  }
  for (const g of await allPages((t) => medialive.send(new ListInputSecurityGroupsCommand({ NextToken: t })).then((o) => ({ items: o.InputSecurityGroups ?? [], next: o.NextToken })))) {
    const o = own(tagMap(g.Tags));
    if (o && g.Id && g.State !== 'DELETED') found.push({ ...o, service: 'medialive', type: 'inputSecurityGroup', id: g.Id, arn: g.Arn, path: ['inputSecurityGroupId'], value: g.Id });
  }
  return found;
}
