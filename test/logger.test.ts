import { describe, expect, it } from 'vitest';
import { withoutEmails } from '../src/logger.js';

describe('e-mail addresses in the log', () => {
  it('are masked, and stack frames of scoped packages are not', () => {
    const stack = [
      "Error: The requested user 'anna.andersson@region.se' is invalid.",
      '    at ClientCredentialClient.acquireToken (/home/site/wwwroot/node_modules/@azure/msal-node/dist/client/ClientCredentialClient.mjs:851:23)',
      '    at file:///home/site/wwwroot/node_modules/@microsoft/teams-ai/lib/Application.js:411:17',
      '    at async /app/node_modules/.pnpm/@azure+msal-node@3.8.10/node_modules/@azure/msal-node/lib/index.cjs:12:5',
    ].join('\n');
    const masked = withoutEmails(stack);
    expect(masked).toBe(stack.replace('anna.andersson@region.se', '<email>'));
  });

  it('masks addresses wherever they stand, and keeps Teams conversation ids', () => {
    expect(withoutEmails('to:rådet@region.se,"bo.ek+x@vgregion.se" <eva@sub.region.se>')).toBe('to:<email>,"<email>" <<email>>');
    expect(withoutEmails('job calendar-status:c-1:radet@region.se:denied')).toBe('job calendar-status:c-1:<email>:denied');
    expect(withoutEmails('19:abc@thread.v2 19:jkl@unq.gbl.spaces')).toBe('19:abc@thread.v2 19:jkl@unq.gbl.spaces');
    // A package and its version, not an address.
    expect(withoutEmails('botbuilder@4.23.3')).toBe('botbuilder@4.23.3');
  });
});
