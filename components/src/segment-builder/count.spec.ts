import { GUARDRAIL_REASONS as CORE_REASONS } from '@pitboss/core';
import { describe, expect, it } from '@pitboss/test/harness';
import { GUARDRAIL_REASONS } from './count.js';

describe('segment builder guardrail reasons', () => {
  it('are core\'s, in core\'s order', () => {
    expect([...GUARDRAIL_REASONS]).to.deep.equal([...CORE_REASONS]);
  });
});
