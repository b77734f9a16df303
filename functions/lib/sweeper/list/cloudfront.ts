/** The sweeper's CloudFront lister: distributions by tag; OACs, which cannot be tagged, by their deterministic name. */
import { ListDistributionsCommand, ListOriginAccessControlsCommand, ListTagsForResourceCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { allPages } from '../../paging';
import { ownerIn, tagMap, type ListerConfig, type TaggedResource } from '../tagged';

export async function listCloudFront(deps: { cloudfront: CloudFrontClient; config: ListerConfig }): Promise<TaggedResource[]> {
  const { cloudfront } = deps;
  const { stage } = deps.config;
  const own = ownerIn(stage);
  const found: TaggedResource[] = [];
  const distributions = await allPages((t) => cloudfront.send(new ListDistributionsCommand({ Marker: t })).then((o) => ({ items: o.DistributionList?.Items ?? [], next: o.DistributionList?.IsTruncated ? o.DistributionList.NextMarker : undefined })));
  for (const d of distributions) {
    if (!d.ARN || !d.Id) continue;
    const o = own(tagMap((await cloudfront.send(new ListTagsForResourceCommand({ Resource: d.ARN }))).Tags?.Items));
    if (o) found.push({ ...o, service: 'cloudfront', type: 'distribution', id: d.Id, arn: d.ARN, path: ['distributionId'], value: d.Id });
  }
  const oacName = new RegExp(`^onair-${stage.replace(/[^A-Za-z0-9-]/g, '')}-(.+)-oac$`);
  for (const a of await allPages((t) => cloudfront.send(new ListOriginAccessControlsCommand({ Marker: t })).then((o) => ({ items: o.OriginAccessControlList?.Items ?? [], next: o.OriginAccessControlList?.IsTruncated ? o.OriginAccessControlList.NextMarker : undefined })))) {
    const m = a.Name ? oacName.exec(a.Name) : null;
    if (m && a.Id) found.push({ channelId: m[1]!, service: 'cloudfront', type: 'originAccessControl', id: a.Id, path: ['originAccessControlId'], value: a.Id });
  }
  return found;
}
