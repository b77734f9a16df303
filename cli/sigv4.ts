/** The API's SigV4 signer lives in lib/sigv4.ts (shared with the local API); bench/api.ts still imports it from here. */
export * from '../lib/sigv4';
