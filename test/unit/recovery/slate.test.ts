/** The slate profile.recovery.slate asks for: built, created idempotently, attached second, deleted first. */
import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import { CreateInputCommand, DeleteInputCommand, DescribeInputCommand, MediaLiveClient, NotFoundException } from '@aws-sdk/client-medialive';
import { buildChannelRequest, buildSlateInputRequest } from '../../../functions/lib/medialive/builders';
import { deleteInput, ensureSlateInput } from '../../../functions/lib/medialive/operations';
import type { Config } from '../../../functions/lib/config';
import type { ChannelRegistry } from '../../../functions/lib/channel/registry';
import { makeRecord } from '../resources/helpers/fixtures';
import { modelErrors } from '../resources/helpers/model-check';

const SLATE = { recovery: { slate: { url: 'https://media.example.com/slate.mp4' } } };
const ml = mockClient(MediaLiveClient);
const recorded: [string, string[], unknown][] = [];
const registry = { recordResource: async (id: string, path: string[], v: unknown) => { recorded.push([id, path, v]); } } as unknown as ChannelRegistry;
const deps = { medialive: new MediaLiveClient({}), registry, config: { stage: 'dev' } as Config };

beforeEach(() => { ml.reset(); recorded.length = 0; });

describe('slate input', () => {
  it('none unless the profile asks for one', () => {
    expect(buildSlateInputRequest(makeRecord('default'), 'dev')).toBeNull();
  });

  it('an MP4_FILE pull input with one source per pipeline, valid for the MediaLive model', () => {
    const req = buildSlateInputRequest(makeRecord('default', SLATE), 'dev');
    expect(req).toMatchObject({ Name: 'onair-demo-1-slate', Type: 'MP4_FILE', Sources: [{ Url: SLATE.recovery.slate.url }, { Url: SLATE.recovery.slate.url }], Tags: { 'onair:channel': 'demo-1' } });
    expect(req?.RequestId).toMatch(/^onair-demo-1-.+-slate-input$/);
    expect(modelErrors('medialive', 'CreateInput', req)).toEqual([]);
    expect(buildSlateInputRequest(makeRecord('single-pipeline', SLATE), 'dev')?.Sources).toHaveLength(1);
  });

  it('is attached second, looping, as onair-<channel>-slate', () => {
    const record = makeRecord('default', SLATE);
    const req = buildChannelRequest({ record, stage: 'dev', inputId: '111', roleArn: 'arn:aws:iam::111122223333:role/ml', packagerTarget: { kind: 'mediapackage-v1', channelId: 'onair-demo-1' }, slateInputId: '222' });
    expect(req.InputAttachments?.map((a) => [a.InputAttachmentName, a.InputId])).toEqual([['onair-demo-1-input', '111'], ['onair-demo-1-slate', '222']]);
    // With the primary input's audio selectors: MediaLive requires them on every attached input.
    expect(req.InputAttachments?.[1].InputSettings).toEqual({ SourceEndBehavior: 'LOOP', AudioSelectors: req.InputAttachments?.[0].InputSettings?.AudioSelectors });
    expect(req.InputAttachments?.[1].InputSettings?.AudioSelectors).toEqual([{ Name: req.EncoderSettings?.AudioDescriptions?.[0].AudioSelectorName }]);
  });

  it('is created once and recorded; a recorded live slate is reused', async () => {
    ml.on(CreateInputCommand).resolves({ Input: { Id: '333' } });
    const record = makeRecord('default', SLATE);
    await expect(ensureSlateInput(deps, record)).resolves.toEqual({ slateInputId: '333' });
    expect(recorded).toEqual([['demo-1', ['slateInputId'], '333']]);
    record.resources.slateInputId = '333';
    ml.on(DescribeInputCommand).resolves({ Id: '333', State: 'ATTACHED' });
    await expect(ensureSlateInput(deps, record)).resolves.toEqual({ slateInputId: '333' });
    expect(ml.commandCalls(CreateInputCommand)).toHaveLength(1);
    await expect(ensureSlateInput(deps, makeRecord('default'))).resolves.toEqual({ slateInputId: null });
  });

  it('teardown deletes the slate before the input, and forgets it once gone', async () => {
    const record = makeRecord('default', SLATE);
    record.resources.slateInputId = '333';
    record.resources.inputId = '111';
    ml.on(DescribeInputCommand, { InputId: '333' }).resolvesOnce({ State: 'DETACHED' }).rejects(new NotFoundException({ $metadata: {}, message: 'gone' }));
    ml.on(DescribeInputCommand, { InputId: '111' }).resolves({ State: 'DETACHED' });
    ml.on(DeleteInputCommand).resolves({});
    await expect(deleteInput(deps, record)).resolves.toEqual({ deleted: false, state: 'DELETING' });
    expect(ml).toHaveReceivedCommandWith(DeleteInputCommand, { InputId: '333' });
    expect(ml).not.toHaveReceivedCommandWith(DeleteInputCommand, { InputId: '111' });
    await expect(deleteInput(deps, record)).resolves.toEqual({ deleted: false, state: 'DELETING' });
    expect(recorded).toContainEqual(['demo-1', ['slateInputId'], undefined]);
    expect(ml).toHaveReceivedCommandWith(DeleteInputCommand, { InputId: '111' });
  });
});
