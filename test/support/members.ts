import type { CouncilMember, Role } from '../../src/domain/council.js';

/** A council member for pure tests; the name defaults to the id. */
export function testMember(userId: string, role: Role = 'member', name = userId): CouncilMember {
  return { councilId: 'c', userId, aadObjectId: null, name, email: null, role, organisation: null, addedAt: '2026-01-01T00:00:00Z' };
}
