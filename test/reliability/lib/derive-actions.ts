/**
 * Derives the AWS actions a Lambda handler can perform from its source code.
 *
 * Starting at the handler file's `handler` export, it walks the program's *declarations*
 * (not whole modules): a top-level function/const/class is reachable when reachable code names
 * it; a member of a top-level object literal or class (e.g. `mediaPackageV2.delete`, or
 * `mediaPackageV2.authorizeCdn`, whose value names the function authorizeV2Cdn) is reachable
 * only when its object is reachable AND reachable code accesses a property of that name somewhere
 * (`packagerFor(r).authorizeCdn(...)` reaches every Packager's authorizeCdn, never its delete).
 * That is a name-based rapid-type-analysis: it can over-approximate when two unrelated objects
 * share a member name, never under-approximate a direct call. Every `…Command` class imported from
 * an `@aws-sdk/*` package inside reachable code is an AWS call; COMMAND_ACTIONS maps it to IAM.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

export interface SdkCommand { pkg: string; command: string }

const ROOT = resolve(__dirname, '..', '..', '..');

/** Client package → IAM service prefix. */
export const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-medialive': 'medialive',
  '@aws-sdk/client-mediapackage': 'mediapackage',
  '@aws-sdk/client-mediapackagev2': 'mediapackagev2',
  '@aws-sdk/client-cloudfront': 'cloudfront',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-resource-groups-tagging-api': 'tag',
};

/**
 * Where the IAM action is not simply the command's name (AWS quirks), or one call needs more
 * than one action. Keys are `<package>#<Command>`.
 *  - lib-dynamodb's document commands are the item operations underneath.
 *  - CloudFront's CreateDistributionWithTags is authorized as CreateDistribution + TagResource.
 *  - A create that carries Tags is also authorized as the service's tagging action
 *    (MediaLive CreateTags; TagResource elsewhere): OnAir tags everything on create.
 *  - A request naming a role for the service to assume needs iam:PassRole: MediaLive CreateChannel
 *    (RoleArn) and CreateInput (MEDIACONNECT RoleArn), MediaPackage v1 CreateOriginEndpoint
 *    (CDN authorization SecretsRoleArn), Scheduler CreateSchedule/UpdateSchedule (target RoleArn).
 */
export const COMMAND_ACTIONS: Record<string, string[]> = {
  '@aws-sdk/lib-dynamodb#GetCommand': ['dynamodb:GetItem'],
  '@aws-sdk/lib-dynamodb#PutCommand': ['dynamodb:PutItem'],
  '@aws-sdk/lib-dynamodb#UpdateCommand': ['dynamodb:UpdateItem'],
  '@aws-sdk/lib-dynamodb#DeleteCommand': ['dynamodb:DeleteItem'],
  '@aws-sdk/lib-dynamodb#ScanCommand': ['dynamodb:Scan'],
  '@aws-sdk/lib-dynamodb#QueryCommand': ['dynamodb:Query'],
  '@aws-sdk/lib-dynamodb#BatchGetCommand': ['dynamodb:BatchGetItem'],
  '@aws-sdk/lib-dynamodb#BatchWriteCommand': ['dynamodb:BatchWriteItem'],
  '@aws-sdk/lib-dynamodb#TransactWriteCommand': ['dynamodb:TransactWriteItems'],
  '@aws-sdk/lib-dynamodb#TransactGetCommand': ['dynamodb:TransactGetItems'],
  '@aws-sdk/client-cloudfront#CreateDistributionWithTagsCommand': ['cloudfront:CreateDistribution', 'cloudfront:TagResource'],
  '@aws-sdk/client-medialive#CreateInputSecurityGroupCommand': ['medialive:CreateInputSecurityGroup', 'medialive:CreateTags'],
  '@aws-sdk/client-medialive#CreateInputCommand': ['medialive:CreateInput', 'medialive:CreateTags', 'iam:PassRole'],
  '@aws-sdk/client-medialive#CreateChannelCommand': ['medialive:CreateChannel', 'medialive:CreateTags', 'iam:PassRole'],
  '@aws-sdk/client-mediapackagev2#CreateChannelGroupCommand': ['mediapackagev2:CreateChannelGroup', 'mediapackagev2:TagResource'],
  '@aws-sdk/client-mediapackagev2#CreateChannelCommand': ['mediapackagev2:CreateChannel', 'mediapackagev2:TagResource'],
  '@aws-sdk/client-mediapackagev2#CreateOriginEndpointCommand': ['mediapackagev2:CreateOriginEndpoint', 'mediapackagev2:TagResource'],
  '@aws-sdk/client-mediapackage#CreateChannelCommand': ['mediapackage:CreateChannel', 'mediapackage:TagResource'],
  '@aws-sdk/client-mediapackage#CreateOriginEndpointCommand': ['mediapackage:CreateOriginEndpoint', 'mediapackage:TagResource', 'iam:PassRole'],
  '@aws-sdk/client-secrets-manager#CreateSecretCommand': ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
  '@aws-sdk/client-cloudwatch#PutMetricAlarmCommand': ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
  '@aws-sdk/client-scheduler#CreateScheduleCommand': ['scheduler:CreateSchedule', 'iam:PassRole'],
  '@aws-sdk/client-scheduler#UpdateScheduleCommand': ['scheduler:UpdateSchedule', 'iam:PassRole'],
};

/**
 * Actions a resource (not a call) requires: publishing to OnAir's KMS-encrypted topic needs the
 * key. (The tables use the AWS owned key, which needs no grant.)
 */
export const RESOURCE_QUIRKS: Record<string, string[]> = {
  'sns:Publish': ['kms:GenerateDataKey', 'kms:Decrypt'],
};

export function actionsFor(cmd: SdkCommand): string[] {
  const mapped = COMMAND_ACTIONS[`${cmd.pkg}#${cmd.command}`];
  const prefix = SERVICE_PREFIX[cmd.pkg];
  if (!prefix) throw new Error(`no IAM service prefix known for ${cmd.pkg} (${cmd.command}): add it to SERVICE_PREFIX`);
  const base = mapped ?? [`${prefix}:${cmd.command.replace(/Command$/, '')}`];
  return [...new Set(base.flatMap((a) => [a, ...(RESOURCE_QUIRKS[a] ?? [])]))];
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

type Unit = ts.Node;

/** A function-valued member: walked only when reachable code accesses a property of its name. */
function gatedName(n: ts.Node): string | undefined {
  const named = (node: ts.NamedDeclaration): string | undefined => {
    const name = node.name;
    return name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) ? name.text : undefined;
  };
  if (ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) return named(n);
  if ((ts.isPropertyAssignment(n) || ts.isPropertyDeclaration(n)) && n.initializer && holdsFunction(n.initializer)) return named(n);
  return undefined;
}

/** `async () => …`, or a call that wraps one (`bind(route, async () => …)`, `middy(fn)`). */
function holdsFunction(e: ts.Expression): boolean {
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
  return ts.isCallExpression(e) && e.arguments.some((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
}

/** One program over functions/**, reused for every handler. */
export class ActionDeriver {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly functionsDir: string;

  constructor(root = ROOT) {
    this.functionsDir = join(root, 'functions');
    const files = listTs(this.functionsDir);
    this.program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ['node'],
    });
    this.checker = this.program.getTypeChecker();
  }

  /** The top-level statement of a repo source file that holds a declaration. */
  private topLevelOf(decl: ts.Node): Unit | undefined {
    if (ts.isSourceFile(decl)) return undefined;
    const sf = decl.getSourceFile();
    if (sf.isDeclarationFile || !sf.fileName.startsWith(this.functionsDir)) return undefined;
    let n: ts.Node = decl;
    while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
    return n.parent ? n : undefined;
  }

  /**
   * A member of a top-level object whose value names a top-level function (`authorizeCdn:
   * authorizeV2Cdn` in packager/v2.ts): gated like a method, since calling it needs the same
   * property access. Without this, a handler reaching the object (deletePackager, through
   * packagerFor) would reach every function its members name.
   */
  private functionReferenceMember(n: ts.Node): string | undefined {
    if (!ts.isPropertyAssignment(n) || !ts.isIdentifier(n.initializer)) return undefined;
    if (!ts.isObjectLiteralExpression(n.parent) || !ts.isVariableDeclaration(n.parent.parent)) return undefined;
    if (!(ts.isIdentifier(n.name) || ts.isStringLiteral(n.name))) return undefined;
    let sym = this.checker.getSymbolAtLocation(n.initializer);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    const decls = sym?.declarations ?? [];
    const isFunction = (d: ts.Declaration): boolean => ts.isFunctionDeclaration(d)
      || (ts.isVariableDeclaration(d) && !!d.initializer && holdsFunction(d.initializer));
    return decls.length > 0 && decls.every(isFunction) ? n.name.text : undefined;
  }

  /** Derives the SDK commands reachable from `<file>`'s export `handler`. */
  commandsOf(handlerFile: string, exportName = 'handler'): SdkCommand[] {
    const sf = this.program.getSourceFile(resolve(handlerFile));
    if (!sf) throw new Error(`${handlerFile} is not part of the functions/ program`);
    const start = sf.statements.filter((s) => {
      if (ts.isVariableStatement(s)) return s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === exportName);
      if (ts.isFunctionDeclaration(s)) return s.name?.text === exportName;
      return false;
    });
    if (start.length === 0) throw new Error(`${handlerFile} has no top-level ${exportName}`);

    const visited = new Set<Unit>();
    const queue: Unit[] = [];
    const accessed = new Set<string>();
    const pending = new Map<string, { unit: Unit; top: Unit }[]>();
    /** Top-level statements used as a whole (Object.values/entries/keys, spread, for…in): every member counts. */
    const whole = new Set<Unit>();
    const commands = new Map<string, SdkCommand>();

    const reach = (u: Unit): void => {
      if (!visited.has(u)) { visited.add(u); queue.push(u); }
    };
    const access = (name: string): void => {
      if (accessed.has(name)) return;
      accessed.add(name);
      (pending.get(name) ?? []).forEach((p) => reach(p.unit));
      pending.delete(name);
    };
    const gate = (name: string, u: Unit, top: Unit): void => {
      if (accessed.has(name) || whole.has(top)) reach(u);
      else pending.set(name, [...(pending.get(name) ?? []), { unit: u, top }]);
    };
    const useWhole = (e: ts.Expression): void => {
      if (!ts.isIdentifier(e)) return;
      let sym = this.checker.getSymbolAtLocation(e);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
      for (const d of sym?.declarations ?? []) {
        const top = this.topLevelOf(d);
        // Only a top-level object/class itself (a parameter or local is some other value).
        const isTopObject = top && (top === d || (ts.isVariableDeclaration(d) && d.parent.parent === top));
        if (!top || !isTopObject || whole.has(top)) continue;
        whole.add(top);
        for (const [name, list] of pending) {
          const keep = list.filter((p) => { if (p.top === top) { reach(p.unit); return false; } return true; });
          if (keep.length) pending.set(name, keep); else pending.delete(name);
        }
      }
    };

    const onIdentifier = (id: ts.Identifier): void => {
      let sym = ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id
        ? this.checker.getShorthandAssignmentValueSymbol(id.parent)
        : this.checker.getSymbolAtLocation(id);
      if (!sym) return;
      const importDecl = sym.declarations?.find((d) => ts.isImportSpecifier(d) || ts.isImportClause(d) || ts.isNamespaceImport(d));
      if (importDecl && sym.flags & ts.SymbolFlags.Alias) {
        let decl: ts.Node = importDecl;
        while (!ts.isImportDeclaration(decl)) decl = decl.parent;
        const spec = (decl.moduleSpecifier as ts.StringLiteral).text;
        const original = ts.isImportSpecifier(importDecl) ? (importDecl.propertyName ?? importDecl.name).text : id.text;
        if (spec.startsWith('@aws-sdk/') && /Command$/.test(original) && !decl.importClause?.isTypeOnly) {
          commands.set(`${spec}#${original}`, { pkg: spec, command: original });
          return;
        }
        sym = this.checker.getAliasedSymbol(sym);
      }
      for (const d of sym.declarations ?? []) {
        const u = this.topLevelOf(d);
        if (u) reach(u);
      }
    };

    const visit = (n: ts.Node, unit: Unit): void => {
      const gated = n !== unit ? gatedName(n) ?? this.functionReferenceMember(n) : undefined;
      if (gated !== undefined) { gate(gated, n, this.topLevelOf(n) ?? unit); return; }
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression)
        && n.expression.expression.text === 'Object' && n.arguments[0]) useWhole(n.arguments[0]);
      if ((ts.isSpreadElement(n) || ts.isSpreadAssignment(n))) useWhole(n.expression);
      if (ts.isForInStatement(n)) useWhole(n.expression);
      if (ts.isIdentifier(n)) onIdentifier(n);
      else if (ts.isPropertyAccessExpression(n)) access(n.name.text);
      else if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression)) access(n.argumentExpression.text);
      else if (ts.isBindingElement(n) && ts.isObjectBindingPattern(n.parent)) {
        const key = n.propertyName ?? n.name;
        if (ts.isIdentifier(key) || ts.isStringLiteral(key)) access(key.text);
      }
      ts.forEachChild(n, (c) => visit(c, unit));
    };

    start.forEach(reach);
    while (queue.length) {
      const u = queue.shift()!;
      visit(u, u);
    }
    return [...commands.values()].sort((a, b) => `${a.pkg}#${a.command}`.localeCompare(`${b.pkg}#${b.command}`));
  }
}
