/** Loads what the channels table and the day view show: every channel, and each live one's detail. */
import { call } from './api';
import type { ChannelDetail, ChannelListItem } from './types';

export interface Fleet {
  channels: ChannelListItem[];
  details: Map<string, ChannelDetail>;
}

const MAX_PAGES = 10;

export async function loadFleet(status?: string): Promise<Fleet> {
  const channels: ChannelListItem[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const q = new URLSearchParams({ limit: '100', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
    const page = await call<{ items: ChannelListItem[]; nextCursor?: string }>('GET', `/channels?${q.toString()}`);
    if (!page.ok) throw new Error(`${page.error!.error}: ${page.error!.message}`);
    channels.push(...page.body.items);
    cursor = page.body.nextCursor;
    if (!cursor) break;
  }
  const details = new Map<string, ChannelDetail>();
  await Promise.all(channels.filter((c) => c.status !== 'DELETED').map(async (c) => {
    const d = await call<ChannelDetail>('GET', `/channels/${encodeURIComponent(c.channelId)}`);
    if (d.ok) details.set(c.channelId, d.body);
  }));
  return { channels, details };
}
