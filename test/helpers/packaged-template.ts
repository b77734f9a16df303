/**
 * The packaged CloudFormation template (`osls package`, offline), one loader for every test project:
 * .serverless/ is reused while it is newer than every input (packaging takes 15–60 s).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export const TEMPLATE = join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');

export type Obj = Record<string, unknown>;
export interface Statement { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Obj }
export interface CfnResource { Type: string; Properties: Obj; DependsOn?: unknown }
export interface Template { Resources: Record<string, CfnResource>; Outputs?: Obj }

function newestInput(): number {
  let newest = 0;
  const visit = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else if (/\.(ts|ya?ml|json)$/.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['serverless.yml', 'package-lock.json', 'statemachines', 'functions']) if (existsSync(join(ROOT, p))) visit(join(ROOT, p));
  return newest;
}

export function packagedTemplate(): Template {
  if (!existsSync(TEMPLATE) || statSync(TEMPLATE).mtimeMs < newestInput()) {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'osls'), ['package', '--stage', 'dev', '--region', 'us-east-1'], {
      cwd: ROOT,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*' },
      stdio: 'pipe',
      timeout: 240_000,
    });
  }
  return JSON.parse(readFileSync(TEMPLATE, 'utf8')) as Template;
}

