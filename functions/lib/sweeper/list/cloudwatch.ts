/** The sweeper's CloudWatch lister: OnAir's alarms (named onair-…) in the channel region and us-east-1 (CloudFront's). */
import { DescribeAlarmsCommand, ListTagsForResourceCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { allPages } from '../../paging';
import { ownerIn, tagMap, type ListerConfig, type TaggedResource } from '../tagged';

export async function listAlarms(deps: { cloudwatch: CloudWatchClient; cloudwatchUsEast1: CloudWatchClient; config: ListerConfig }): Promise<TaggedResource[]> {
  const own = ownerIn(deps.config.stage);
  const found: TaggedResource[] = [];
  const regions: [CloudWatchClient, string][] = [[deps.cloudwatch, deps.config.region]];
  if (deps.config.region !== 'us-east-1') regions.push([deps.cloudwatchUsEast1, 'us-east-1']);
  for (const [cw, region] of regions) {
    const alarms = await allPages((t) => cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'onair-', NextToken: t })).then((o) => ({ items: o.MetricAlarms ?? [], next: o.NextToken })));
    for (const a of alarms) {
      if (!a.AlarmArn || !a.AlarmName) continue;
      const o = own(tagMap((await cw.send(new ListTagsForResourceCommand({ ResourceARN: a.AlarmArn }))).Tags));
      if (o) found.push({ ...o, service: 'cloudwatch', type: 'alarm', id: a.AlarmName, arn: a.AlarmArn, path: ['alarms', region], value: a.AlarmName, region });
    }
  }
  return found;
}
