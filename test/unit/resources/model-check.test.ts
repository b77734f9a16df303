/** The model checker must catch what AWS would refuse, or every builder test built on it is hollow. */
import { modelErrors, shapeErrorsFor } from './helpers/model-check';

describe('modelErrors', () => {
  it('accepts a minimal valid request', () => {
    expect(modelErrors('medialive', 'CreateInputSecurityGroup', { WhitelistRules: [{ Cidr: '203.0.113.1/32' }] })).toEqual([]);
  });

  it('reports a missing required member', () => {
    expect(shapeErrorsFor('medialive', 'TimecodeConfig', {})).toEqual(['TimecodeConfig.Source: required by the model']);
  });

  it('reports a value outside the enum', () => {
    expect(modelErrors('medialive', 'CreateChannel', { ChannelClass: 'DOUBLE' })).toEqual([
      expect.stringContaining('"DOUBLE" is not one of STANDARD|SINGLE_PIPELINE'),
    ]);
  });

  it('reports a member the model does not have (a typo AWS would reject)', () => {
    expect(modelErrors('medialive', 'CreateInput', { Typo: 'x' })).toEqual(['CreateInput.Typo: not a member of CreateInputRequest']);
  });

  it('reports wrong types and ranges', () => {
    const errors = modelErrors('mediapackagev2', 'CreateOriginEndpoint', {
      ChannelGroupName: 'g', ChannelName: 'c', OriginEndpointName: 'e', ContainerType: 'CMAF',
      Segment: { SegmentDurationSeconds: 31 }, StartoverWindowSeconds: '10',
    });
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringContaining('SegmentDurationSeconds: value 31 > max 30'),
      expect.stringContaining('StartoverWindowSeconds: expected an integer'),
    ]));
  });

  it('walks lists and maps', () => {
    const errors = modelErrors('medialive', 'CreateInput', { Tags: { a: 1 }, Destinations: [{ StreamName: 2 }] });
    expect(errors).toEqual(expect.arrayContaining([
      'CreateInput.Tags.a: expected a string, got number',
      'CreateInput.Destinations[0].StreamName: expected a string, got number',
    ]));
  });
});
