/**
 * Orphans: resources in the twin's inventory that no live channel's registry record names. The
 * stack's own resources (tables, topic, schedule group) belong to the deployment, not a channel.
 */
import type { ChannelRecord } from '../../functions/lib/channel/registry';
import type { InventoryItem } from '../../local/core/types';

const STACK_OWNED = (i: InventoryItem): boolean =>
  (i.service === 'dynamodb' && i.type === 'table') || (i.service === 'sns' && i.type === 'topic') || (i.service === 'scheduler' && /group/i.test(i.type));

export function channelOwnedInventory(items: InventoryItem[]): InventoryItem[] {
  return items.filter((i) => !STACK_OWNED(i));
}

/** Items no live record names (by full id or by the id's last path/ARN segment). */
export function orphans(items: InventoryItem[], records: ChannelRecord[]): InventoryItem[] {
  const live = records.filter((r) => r.status !== 'DELETED');
  const named = live.map((r) => JSON.stringify(r.resources));
  return channelOwnedInventory(items).filter((i) => {
    const last = i.id.split(/[/:]/).pop() ?? i.id;
    return !named.some((n) => n.includes(JSON.stringify(i.id).slice(1, -1)) || n.includes(`"${last}"`));
  });
}
