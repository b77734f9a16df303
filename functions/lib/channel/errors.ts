/**
 * The channel domain's refusals: the channel or broadcast exists but the request cannot be
 * done. functions/lib/api/errors.ts maps each to its HTTP answer; ChannelStateError is also
 * thrown by the lock in the workflows' first state (lock.ts).
 */

type Detail = { field: string; message: string };

/** The channel exists but its status does not allow the operation (e.g. start a DELETED channel). */
export class ChannelStateError extends Error {
  constructor(readonly channelId: string, readonly status: string, readonly operation: string) {
    super(`Cannot ${operation} channel ${channelId}: it is ${status}`);
    this.name = 'ChannelStateError';
  }
}

export class BroadcastNotFoundError extends Error {
  constructor(readonly channelId: string, readonly broadcastId: string) {
    super(`Channel ${channelId} has no broadcast ${broadcastId}`);
    this.name = 'BroadcastNotFoundError';
  }
}

export class BroadcastOverlapError extends Error {
  constructor(readonly other: { broadcastId: string; startAt: string; endAt: string }) {
    super(`Overlaps broadcast ${other.broadcastId} (${other.startAt} – ${other.endAt}) on the same channel`);
    this.name = 'BroadcastOverlapError';
  }
}

/** Well-formed but impossible times: start in the past, end before start. */
export class BroadcastTimeError extends Error {
  constructor(message: string, readonly details: Detail[]) {
    super(message);
    this.name = 'BroadcastTimeError';
  }
}
