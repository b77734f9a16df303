import { lifecycleSuite } from './lifecycle';

describe('provision and teardown with MediaPackage v2 (profile default)', () => {
  lifecycleSuite('default', 'v2');
});
