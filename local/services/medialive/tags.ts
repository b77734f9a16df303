/** Tags on every MediaLive resource (channels, inputs, input security groups), by ARN. */
import type { ModelValue, OperationHandler } from '../../core/types';
import { arr, tagsOf } from '../media-util';
import { notFound } from './model';
import type { MediaLiveStore } from './store';

export function tagOperations(s: MediaLiveStore): Record<string, OperationHandler> {
  return {
    CreateTags: (i) => createTags(s, i),
    DeleteTags: (i) => deleteTags(s, i),
    ListTagsForResource: (i) => listTagsForResource(s, i),
  };
}

function tagged(s: MediaLiveStore, arn: unknown): { Tags: Record<string, string> } {
  const a = String(arn);
  for (const set of [s.channels, s.inputs, s.groups] as Map<string, { Arn: string; Tags: Record<string, string> }>[]) {
    for (const r of set.values()) if (r.Arn === a) return r;
  }
  throw notFound(`Resource ${a} not found`);
}

function createTags(s: MediaLiveStore, input: ModelValue): ModelValue {
  const r = tagged(s, input.ResourceArn);
  Object.assign(r.Tags, tagsOf(input.Tags));
  return {};
}

function deleteTags(s: MediaLiveStore, input: ModelValue): ModelValue {
  const r = tagged(s, input.ResourceArn);
  for (const k of arr<string>(input.TagKeys)) delete r.Tags[k];
  return {};
}

function listTagsForResource(s: MediaLiveStore, input: ModelValue): ModelValue {
  return { Tags: { ...tagged(s, input.ResourceArn).Tags } };
}
