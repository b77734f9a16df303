import { lifecycleSuite } from './lifecycle';

describe('provision and teardown with MediaPackage v1 (profile mediapackage-v1)', () => {
  lifecycleSuite('mediapackage-v1', 'v1');
});
