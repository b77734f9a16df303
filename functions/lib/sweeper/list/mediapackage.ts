/** The sweeper's MediaPackage lister: v2 channel groups, channels and endpoints, v1 channels and endpoints. */
import {
  ListChannelGroupsCommand, ListChannelsCommand as ListV2Channels, ListOriginEndpointsCommand as ListV2Endpoints,
  ListTagsForResourceCommand as ListV2Tags, type MediaPackageV2Client,
} from '@aws-sdk/client-mediapackagev2';
import { ListChannelsCommand as ListV1Channels, ListOriginEndpointsCommand as ListV1Endpoints, type MediaPackageClient } from '@aws-sdk/client-mediapackage';
import { allPages } from '../../paging';
import { ownerIn, tagMap, type ListerConfig, type TaggedResource } from '../tagged';

export async function listMediaPackage(deps: { mediapackagev2: MediaPackageV2Client; mediapackage: MediaPackageClient; config: ListerConfig }): Promise<TaggedResource[]> {
  const own = ownerIn(deps.config.stage);
  const found: TaggedResource[] = [];

  // v2: lists carry no tags; ListTagsForResource per resource.
  const v2 = deps.mediapackagev2;
  const v2Tags = async (arn: string | undefined) => (arn ? tagMap((await v2.send(new ListV2Tags({ ResourceArn: arn }))).Tags) : {});
  for (const g of await allPages((t) => v2.send(new ListChannelGroupsCommand({ NextToken: t })).then((o) => ({ items: o.Items ?? [], next: o.NextToken })))) {
    if (!g.ChannelGroupName) continue;
    const go = own(await v2Tags(g.Arn));
    if (go) found.push({ ...go, service: 'mediapackagev2', type: 'channelGroup', id: g.ChannelGroupName, arn: g.Arn, path: ['packager', 'channelGroupName'], value: g.ChannelGroupName });
    for (const c of await allPages((t) => v2.send(new ListV2Channels({ ChannelGroupName: g.ChannelGroupName, NextToken: t })).then((o) => ({ items: o.Items ?? [], next: o.NextToken })))) {
      if (!c.ChannelName) continue;
      const co = own(await v2Tags(c.Arn));
      if (co) found.push({ ...co, service: 'mediapackagev2', type: 'channel', id: `${g.ChannelGroupName}/${c.ChannelName}`, arn: c.Arn, path: ['packager', 'channelName'], value: c.ChannelName });
      for (const e of await allPages((t) => v2.send(new ListV2Endpoints({ ChannelGroupName: g.ChannelGroupName, ChannelName: c.ChannelName, NextToken: t })).then((o) => ({ items: o.Items ?? [], next: o.NextToken })))) {
        if (!e.OriginEndpointName) continue;
        const eo = own(await v2Tags(e.Arn));
        if (eo) {
          found.push({
            ...eo, service: 'mediapackagev2', type: 'originEndpoint', id: `${g.ChannelGroupName}/${c.ChannelName}/${e.OriginEndpointName}`, arn: e.Arn,
            path: ['packager', 'originEndpoints', e.OriginEndpointName], value: { name: e.OriginEndpointName, format: e.ContainerType ?? 'unknown', url: '', ...(e.Arn ? { arn: e.Arn } : {}) },
          });
        }
      }
    }
  }

  // v1: lists carry the tags.
  const v1 = deps.mediapackage;
  for (const c of await allPages((t) => v1.send(new ListV1Channels({ NextToken: t })).then((o) => ({ items: o.Channels ?? [], next: o.NextToken })))) {
    const o = own(tagMap(c.Tags));
    if (o && c.Id) found.push({ ...o, service: 'mediapackage', type: 'channel', id: c.Id, arn: c.Arn, path: ['packager', 'channelId'], value: c.Id });
  }
  for (const e of await allPages((t) => v1.send(new ListV1Endpoints({ NextToken: t })).then((o) => ({ items: o.OriginEndpoints ?? [], next: o.NextToken })))) {
    const o = own(tagMap(e.Tags));
    if (o && e.Id) found.push({ ...o, service: 'mediapackage', type: 'originEndpoint', id: e.Id, arn: e.Arn, path: ['packager', 'originEndpoints', e.Id], value: { name: e.Id, format: 'unknown', url: e.Url ?? '', ...(e.Arn ? { arn: e.Arn } : {}) } });
  }
  return found;
}
