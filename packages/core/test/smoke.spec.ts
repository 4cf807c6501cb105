import { describe, expect, it } from '@pitboss/test/harness';
import { x } from '@pitboss/core';
describe('smoke', () => { it('works', () => { expect(x).to.equal(1); }); });
