import { lifecycleSuite } from './lifecycle';

describe('provision and teardown with MediaPackage v2 on a distribution of its own (delivery dedicated)', () => {
  lifecycleSuite('default', 'v2d', { delivery: 'dedicated' });
});
