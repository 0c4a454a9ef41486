import { describe, expect, it } from 'vitest';
import { testMember } from '../support/members.js';
import { type Role, can, checkRoleChange, requirePermission } from '../../src/domain/council.js';
import { RuleError } from '../../src/domain/errors.js';
import { isValidTimeZone } from '../../src/domain/time-zone.js';

const m = (userId: string, role: Role) => testMember(userId, role);

describe('council roles', () => {
  it('grants management to the chair only, guests to chair and secretary', () => {
    expect(can('chair', 'council.manageRoles')).toBe(true);
    expect(can('secretary', 'council.manageRoles')).toBe(false);
    expect(can('secretary', 'council.addGuest')).toBe(true);
    expect(can('member', 'council.addGuest')).toBe(false);
    expect(can(undefined, 'council.view')).toBe(false);
  });

  it('says why a permission is missing', () => {
    expect(() => requirePermission('member', 'council.manageRoles')).toThrow(expect.objectContaining({ code: 'error.forbidden' }));
    expect(() => requirePermission(undefined, 'council.view')).toThrow(expect.objectContaining({ code: 'error.notMember' }));
  });

  it('keeps at least one chair', () => {
    const members = [m('a', 'chair'), m('b', 'member')];
    expect(() => checkRoleChange(members, 'a', 'member')).toThrow(expect.objectContaining({ code: 'error.lastChair' }));
    expect(() => checkRoleChange([...members, m('c', 'chair')], 'a', 'member')).not.toThrow();
  });

  it('keeps guests and roster members apart', () => {
    const members = [m('a', 'chair'), m('guest:1', 'guest')];
    expect(() => checkRoleChange(members, 'a', 'guest')).toThrow(RuleError);
    expect(() => checkRoleChange(members, 'guest:1', 'secretary')).toThrow(expect.objectContaining({ code: 'error.guestCannotHoldRole' }));
    expect(() => checkRoleChange(members, 'nobody', 'member')).toThrow(expect.objectContaining({ code: 'error.memberNotFound' }));
  });

  it('knows IANA time zones', () => {
    expect(isValidTimeZone('Europe/Stockholm')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
