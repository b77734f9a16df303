/**
 * Every operation of every committed model routes back to itself, in every protocol its service
 * accepts — so appending an operation to operations.json can never shadow another one.
 */
import { decodeRequest, loadModel, modelServices, wireRequest, type ProtocolName } from '../../../../local/protocols';

const cases: [string, string][] = modelServices().flatMap((s) => loadModel(s)!.operationNames.map((op) => [s, op] as [string, string]));

describe('routing every served operation', () => {
  it('has models to check', () => { expect(cases.length).toBeGreaterThan(100); });

  it.each(cases)('%s %s', (service, operation) => {
    const model = loadModel(service)!;
    const op = model.operation(operation)!;
    const protocols = model.metadata.protocols ?? [model.metadata.protocol];
    for (const p of protocols) {
      let protocol: ProtocolName;
      let req;
      if (p === 'rest-json' || p === 'rest-xml') {
        const [path, query] = op.http.requestUri.split('?') as [string, string | undefined];
        const filled = path.replace(/\{([^}]+?)\+?\}/g, (_m, l: string) => `${l.toLowerCase()}-1`);
        req = wireRequest(op.http.method, query ? `${filled}?${query}` : filled, {}, Buffer.alloc(0));
        protocol = p === 'rest-json' ? 'restJson1' : 'restXml';
      } else if (p === 'json') {
        req = wireRequest('POST', '/', { 'x-amz-target': `${model.metadata.targetPrefix}.${operation}` }, Buffer.from('{}'));
        protocol = model.metadata.jsonVersion === '1.1' ? 'awsJson1_1' : 'awsJson1_0';
      } else if (p === 'query') {
        req = wireRequest('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from(`Action=${operation}&Version=${model.metadata.apiVersion}`));
        protocol = 'awsQuery';
      } else if (p === 'smithy-rpc-v2-cbor') {
        req = wireRequest('POST', `/service/${model.metadata.targetPrefix}/operation/${operation}`, { 'smithy-protocol': 'rpc-v2-cbor' }, Buffer.alloc(0));
        protocol = 'rpcv2Cbor';
      } else {
        throw new Error(`${service}: protocol ${p} is not served by the twin`);
      }
      expect(decodeRequest(model, protocol, req).operation).toBe(operation);
    }
  });
});
