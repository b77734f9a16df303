/** The local cloud's extension of local/onair/workflows.ts: EventBridge rules and stack resources. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflows, WorkflowConfigError } from '../../../local/onair/workflows';
import { EventBridgeService } from '../../../local/services/events';
import { testEnv } from './twin-env';

const YML = `
service: demo
provider:
  name: aws
  stage: dev
  environment:
    TABLE: \${self:custom.table}
custom:
  table: demo-\${sls:stage}-t
functions:
  onAlert:
    handler: functions/recovery/onAlert.handler
    events:
      - eventBridge:
          pattern:
            source: [aws.medialive]
            detail-type: [MediaLive Channel Alert]
            detail:
              alarm_state: [{ equals-ignore-case: set }]
      - eventBridge:
          name: on-alarm
          pattern: { source: [aws.cloudwatch] }
          inputPath: $.detail
stepFunctions:
  stateMachines:
    recover:
      name: demo-dev-recover
      definition:
        StartAt: P
        States: { P: { Type: Pass, End: true } }
      events:
        - eventBridge:
            event: { source: [aws.medialive], detail-type: [MediaLive Channel State Change], detail: { state: [STOPPED] } }
            inputTransformer:
              inputPathsMap: { arn: $.detail.channel_arn }
              inputTemplate: '{"channelArn": "<arn>"}'
resources:
  Resources:
    Table:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: \${self:custom.table}
        KeySchema: [{ AttributeName: id, KeyType: HASH }]
`;

function root(yml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'onair-wf-'));
  mkdirSync(join(dir, 'functions', 'recovery'), { recursive: true });
  writeFileSync(join(dir, 'serverless.yml'), yml);
  return dir;
}

describe('local/onair/workflows.ts rules and resources', () => {
  it('reads eventBridge events of functions (pattern) and state machines (event), with their input transforms', () => {
    const dir = root(YML);
    try {
      const w = loadWorkflows({ root: dir });
      expect(w.rules).toEqual([
        { name: 'demo-dev-onAlert-rule-1', enabled: true, pattern: { source: ['aws.medialive'], 'detail-type': ['MediaLive Channel Alert'], detail: { alarm_state: [{ 'equals-ignore-case': 'set' }] } },
          target: { kind: 'function', key: 'onAlert', arn: 'arn:aws:lambda:us-east-1:111122223333:function:demo-dev-onAlert' } },
        { name: 'on-alarm', enabled: true, pattern: { source: ['aws.cloudwatch'] }, inputPath: '$.detail',
          target: { kind: 'function', key: 'onAlert', arn: 'arn:aws:lambda:us-east-1:111122223333:function:demo-dev-onAlert' } },
        { name: 'demo-dev-recover-rule-1', enabled: true, pattern: { source: ['aws.medialive'], 'detail-type': ['MediaLive Channel State Change'], detail: { state: ['STOPPED'] } },
          inputTransformer: { inputPathsMap: { arn: '$.detail.channel_arn' }, inputTemplate: '{"channelArn": "<arn>"}' },
          target: { kind: 'stateMachine', key: 'recover', arn: 'arn:aws:states:us-east-1:111122223333:stateMachine:demo-dev-recover' } },
      ]);
      expect(w.resources.Table).toEqual({ Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'demo-dev-t', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] } });
      // Every declared pattern is one EventBridge accepts.
      const eb = new EventBridgeService(testEnv());
      for (const r of w.rules) expect(() => eb.putRule({ name: r.name, pattern: r.pattern, targets: [] })).not.toThrow();
      eb.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what the local cloud cannot serve, naming the rule', () => {
    const dir = root(YML.replace('name: on-alarm', 'name: on-alarm\n          eventBus: custom-bus'));
    try {
      expect(() => loadWorkflows({ root: dir })).toThrow(WorkflowConfigError);
      expect(() => loadWorkflows({ root: dir })).toThrow(/function onAlert eventBridge\[1\]: only the default event bus/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads schedule events of functions and of state machines (serverless-step-functions), each targeting its owner', () => {
    const yml = YML
      .replace("    handler: functions/recovery/onAlert.handler\n    events:\n", "    handler: functions/recovery/onAlert.handler\n    events:\n      - schedule: rate(1 minute)\n")
      .replace("      events:\n        - eventBridge:\n            event:", "      events:\n        - schedule:\n            rate: rate(15 minutes)\n            input: { dryRun: false }\n        - schedule: { rate: rate(1 hour), name: hourly, enabled: false }\n        - eventBridge:\n            event:");
    const dir = root(yml);
    try {
      const w = loadWorkflows({ root: dir });
      const fn = { kind: 'function', key: 'onAlert', arn: 'arn:aws:lambda:us-east-1:111122223333:function:demo-dev-onAlert' };
      const machine = { kind: 'stateMachine', key: 'recover', arn: 'arn:aws:states:us-east-1:111122223333:stateMachine:demo-dev-recover' };
      expect(w.scheduledRules).toEqual([
        { name: 'demo-dev-onAlert-schedule-1', schedule: 'rate(1 minute)', target: fn, enabled: true },
        { name: 'demo-dev-recover-schedule-1', schedule: 'rate(15 minutes)', target: machine, enabled: true, input: '{"dryRun":false}' },
        { name: 'hourly', schedule: 'rate(1 hour)', target: machine, enabled: false },
      ]);
      // The eventBridge rules are read as before, next to the schedules.
      expect(w.rules.map((r) => r.name)).toEqual(['demo-dev-onAlert-rule-2', 'on-alarm', 'demo-dev-recover-rule-3']);
      const bad = root(yml.replace('rate: rate(15 minutes)', 'rate: every 15 minutes'));
      try {
        expect(() => loadWorkflows({ root: bad })).toThrow(/state machine recover schedule\[0\]: rate must be rate/);
      } finally {
        rmSync(bad, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the project's sweep state machine is started every 15 minutes with dryRun false", () => {
    const w = loadWorkflows();
    const sweep = w.scheduledRules.filter((r) => r.target.key === 'sweep');
    expect(sweep).toEqual([{ name: expect.any(String), schedule: 'rate(15 minutes)', enabled: true, input: '{"dryRun":false}', target: { kind: 'stateMachine', key: 'sweep', arn: w.stateMachines.sweep!.arn } }]);
    expect(w.scheduledRules.some((r) => r.target.kind === 'function' && r.target.key.startsWith('sweep'))).toBe(false);
  });

  it('the project serverless.yml loads, and its rules (if any) are valid patterns', () => {
    const w = loadWorkflows();
    const eb = new EventBridgeService(testEnv());
    for (const r of w.rules) expect(() => eb.putRule({ name: r.name, pattern: r.pattern, targets: [] })).not.toThrow();
    eb.stop();
    expect(Object.values(w.resources).some((r) => r.Type === 'AWS::DynamoDB::Table')).toBe(true);
  });
});
