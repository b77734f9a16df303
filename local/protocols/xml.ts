/**
 * A small XML reader/writer for the two XML protocols (restXml, awsQuery responses), and the
 * model-driven mapping between XML and model values. AWS's XML is plain (no DTDs, no mixed content),
 * so a 100-line parser is enough; namespace prefixes are dropped from element names.
 */
import type { MemberRef, Model } from './model';
import { decodeText, encodeText, isPlainObject } from './values';

export interface XmlNode { name: string; attrs: Record<string, string>; children: XmlNode[]; text: string }

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;');
}
const local = (n: string): string => n.slice(n.indexOf(':') + 1);

export class XmlSyntaxError extends Error {}

export function parseXml(text: string): XmlNode {
  let i = 0;
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) { top.text += unescape(text.slice(i)); break; }
    if (lt > i) top.text += unescape(text.slice(i, lt));
    if (text.startsWith('<?', lt)) { i = text.indexOf('?>', lt) + 2; if (i < 2) throw new XmlSyntaxError('unterminated <?'); continue; }
    if (text.startsWith('<!--', lt)) { i = text.indexOf('-->', lt) + 3; if (i < 3) throw new XmlSyntaxError('unterminated comment'); continue; }
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      if (end < 0) throw new XmlSyntaxError('unterminated CDATA');
      top.text += text.slice(lt + 9, end);
      i = end + 3;
      continue;
    }
    if (text.startsWith('<!', lt)) throw new XmlSyntaxError('DTDs are not accepted');
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new XmlSyntaxError('unterminated tag');
    const raw = text.slice(lt + 1, gt);
    i = gt + 1;
    if (raw.startsWith('/')) {
      const name = local(raw.slice(1).trim());
      const node = stack.pop();
      if (!node || node.name !== name || stack.length === 0) throw new XmlSyntaxError(`unexpected </${name}>`);
      continue;
    }
    const selfClosing = raw.endsWith('/');
    const body = selfClosing ? raw.slice(0, -1) : raw;
    const m = /^([^\s/>]+)/.exec(body);
    if (!m) throw new XmlSyntaxError('bad tag');
    const node: XmlNode = { name: local(m[1]!), attrs: {}, children: [], text: '' };
    for (const a of body.slice(m[1]!.length).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
      node.attrs[local(a[1]!)] = unescape(a[3] ?? a[4] ?? '');
    }
    top.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1) throw new XmlSyntaxError(`unclosed <${stack[stack.length - 1]!.name}>`);
  const doc = root.children[0];
  if (!doc) throw new XmlSyntaxError('empty document');
  return doc;
}

const childrenNamed = (n: XmlNode, name: string): XmlNode[] => n.children.filter((c) => c.name === name);

/** Reads the value of `node` (the element that carries it) per the member's shape. */
export function decodeXml(model: Model, ref: MemberRef, node: XmlNode): unknown {
  const shape = model.shape(ref.shape);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        if (m.location) continue;
        const wire = m.locationName ?? name;
        if (m.xmlAttribute) {
          if (node.attrs[wire] !== undefined) out[name] = decodeText(model.shape(m.shape), node.attrs[wire]!);
          continue;
        }
        const ms = model.shape(m.shape);
        if ((ms.type === 'list' || ms.type === 'map') && (m.flattened || ms.flattened)) {
          const items = childrenNamed(node, wire);
          if (items.length) out[name] = ms.type === 'list' ? items.map((c) => decodeXml(model, ms.member!, c)) : decodeMapEntries(model, ms, items);
          continue;
        }
        const child = childrenNamed(node, wire)[0];
        if (child) out[name] = decodeXml(model, m, child);
      }
      return out;
    }
    case 'list': {
      const itemName = shape.member!.locationName ?? 'member';
      return childrenNamed(node, itemName).map((c) => decodeXml(model, shape.member!, c));
    }
    case 'map':
      return decodeMapEntries(model, shape, childrenNamed(node, 'entry'));
    default:
      return decodeText(shape, node.text);
  }
}

function decodeMapEntries(model: Model, shape: ReturnType<Model['shape']>, entries: XmlNode[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const k = shape.key!.locationName ?? 'key';
  const v = shape.value!.locationName ?? 'value';
  for (const e of entries) {
    const key = childrenNamed(e, k)[0]?.text;
    const val = childrenNamed(e, v)[0];
    if (key !== undefined && val) out[key] = decodeXml(model, shape.value!, val);
  }
  return out;
}

/** Writes `<name>value</name>` per the member's shape (flattened lists write repeated elements). */
export function encodeXml(model: Model, ref: MemberRef, value: unknown, name: string, xmlns?: string): string {
  if (value === undefined || value === null) return '';
  const shape = model.shape(ref.shape);
  const ns = xmlns ? ` xmlns="${escapeXml(xmlns)}"` : '';
  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(value)) return '';
      let attrs = '';
      let body = '';
      for (const [mName, m] of Object.entries(shape.members ?? {})) {
        if (m.location) continue;
        const v = value[mName];
        if (v === undefined || v === null) continue;
        const wire = m.locationName ?? mName;
        if (m.xmlAttribute) { attrs += ` ${wire}="${escapeXml(encodeText(model.shape(m.shape), m, v, 'iso8601') ?? '')}"`; continue; }
        const ms = model.shape(m.shape);
        if (ms.type === 'list' && (m.flattened || ms.flattened) && Array.isArray(v)) {
          body += v.map((item) => encodeXml(model, ms.member!, item, wire)).join('');
        } else {
          body += encodeXml(model, m, v, wire);
        }
      }
      return `<${name}${ns}${attrs}>${body}</${name}>`;
    }
    case 'list': {
      if (!Array.isArray(value)) return '';
      const item = shape.member!.locationName ?? 'member';
      return `<${name}${ns}>${value.map((v) => encodeXml(model, shape.member!, v, item)).join('')}</${name}>`;
    }
    case 'map': {
      if (!isPlainObject(value)) return '';
      const k = shape.key!.locationName ?? 'key';
      const v = shape.value!.locationName ?? 'value';
      const entries = Object.entries(value).map(([key, val]) => `<entry><${k}>${escapeXml(key)}</${k}>${encodeXml(model, shape.value!, val, v)}</entry>`);
      return `<${name}${ns}>${entries.join('')}</${name}>`;
    }
    default: {
      const text = encodeText(shape, ref, value, 'iso8601');
      return text === undefined ? '' : `<${name}${ns}>${escapeXml(text)}</${name}>`;
    }
  }
}
