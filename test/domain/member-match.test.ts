import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testMember } from '../support/members.js';
import type { Role } from '../../src/domain/council.js';
import { type MemberMatch, matchMember, requireOneMember } from '../../src/domain/member-match.js';

const member = (userId: string, name: string, role: Role = 'member') => testMember(userId, role, name);

const helena = member('u1', 'Helena Lind', 'chair');
const annaA = member('u2', 'Anna Andersson');
const annaB = member('u3', 'Anna Berg', 'secretary');
const bjorn = member('u4', 'Björn Berg');
const asa = member('u5', 'Åsa Öberg');
const karin = member('guest:1', 'Karin Jansson', 'guest');
const members = [helena, annaA, annaB, bjorn, asa, karin];

const ids = (m: MemberMatch) => (m.kind === 'one' ? [m.member.userId] : m.kind === 'ambiguous' ? m.candidates.map((c) => c.userId) : []);

describe('matchMember', () => {
  it('matches full names whatever the case', () => {
    expect(matchMember('Helena Lind', members)).toEqual({ kind: 'one', member: helena });
    expect(matchMember('helena LIND', members)).toEqual({ kind: 'one', member: helena });
    expect(matchMember('  Anna   Berg ', members)).toEqual({ kind: 'one', member: annaB });
  });

  it('matches a first name or surname alone, ambiguous when shared', () => {
    expect(matchMember('Helena', members)).toEqual({ kind: 'one', member: helena });
    expect(matchMember('Lind', members)).toEqual({ kind: 'one', member: helena });
    expect(matchMember('Anna', members)).toEqual({ kind: 'ambiguous', candidates: [annaA, annaB] });
    expect(matchMember('Berg', members)).toEqual({ kind: 'ambiguous', candidates: [annaB, bjorn] });
    expect(matchMember('Björn', members)).toEqual({ kind: 'one', member: bjorn });
  });

  it('matches initials', () => {
    expect(matchMember('Anna A.', members)).toEqual({ kind: 'one', member: annaA });
    expect(matchMember('Anna B', members)).toEqual({ kind: 'one', member: annaB });
    expect(matchMember('A. Berg', members)).toEqual({ kind: 'one', member: annaB });
    expect(matchMember('B. Berg', members)).toEqual({ kind: 'one', member: bjorn });
    expect(matchMember('Anna C.', members)).toEqual({ kind: 'none' });
  });

  it('accepts å/ä/ö typed as a/o only when nothing matches exactly', () => {
    expect(matchMember('Asa Oberg', members)).toEqual({ kind: 'one', member: asa });
    expect(matchMember('Asa', members)).toEqual({ kind: 'one', member: asa });
    expect(matchMember('Bjorn', members)).toEqual({ kind: 'one', member: bjorn });
    const asaPlain = member('u6', 'Asa Nilsson');
    // "Asa" is a name of its own: the exact match wins over the folded one.
    expect(matchMember('Asa', [...members, asaPlain])).toEqual({ kind: 'one', member: asaPlain });
    expect(matchMember('Åsa', [...members, asaPlain])).toEqual({ kind: 'one', member: asa });
    // Other accents are not letters of their own in Swedish.
    expect(matchMember('Rene Dupont', [member('u7', 'René Dupont')])).toEqual({ kind: 'one', member: expect.objectContaining({ userId: 'u7' }) });
  });

  it('prefers an exact full name over a first-name match', () => {
    const guestAnna = member('guest:2', 'Anna', 'guest');
    expect(matchMember('Anna', [annaA, guestAnna])).toEqual({ kind: 'one', member: guestAnna });
  });

  it('lets guests own actions', () => {
    expect(matchMember('Karin', members)).toEqual({ kind: 'one', member: karin });
  });

  it('reads mentions, @names, directory forms and bracketed notes', () => {
    expect(matchMember('<at>Anna Andersson</at>', members)).toEqual({ kind: 'one', member: annaA });
    expect(matchMember('@Helena', members)).toEqual({ kind: 'one', member: helena });
    expect(matchMember('Andersson Anna', members)).toEqual({ kind: 'one', member: annaA });
    expect(matchMember('Andersson, Anna', members)).toEqual({ kind: 'one', member: annaA });
    const directory = member('u8', 'Lind Per (HSF)');
    expect(matchMember('Per Lind', [directory])).toEqual({ kind: 'one', member: directory });
    expect(matchMember('Per', [directory])).toEqual({ kind: 'one', member: directory });
  });

  it('skips middle names', () => {
    const pos = member('u9', 'Per Olof Svensson');
    expect(matchMember('Per Svensson', [pos])).toEqual({ kind: 'one', member: pos });
    expect(matchMember('Per Olof Svensson', [pos])).toEqual({ kind: 'one', member: pos });
  });

  it('never guesses', () => {
    const twin = member('u10', 'Anna Andersson');
    expect(matchMember('Anna Andersson', [annaA, twin])).toEqual({ kind: 'ambiguous', candidates: [annaA, twin] });
    expect(matchMember('Ann', members)).toEqual({ kind: 'none' });
    expect(matchMember('Andersson Berg', members)).toEqual({ kind: 'none' });
    expect(matchMember('', members)).toEqual({ kind: 'none' });
    expect(matchMember('  ', members)).toEqual({ kind: 'none' });
    expect(matchMember('Helena', [])).toEqual({ kind: 'none' });
    // The same person listed twice is still one person.
    expect(matchMember('Helena', [helena, helena])).toEqual({ kind: 'one', member: helena });
  });

  it('turns the answer into the owner or the question to ask', () => {
    expect(requireOneMember(matchMember('Helena', members), 'Helena')).toBe(helena);
    expect(() => requireOneMember(matchMember('Anna', members), 'Anna')).toThrow(
      expect.objectContaining({ code: 'error.actionOwnerAmbiguous', params: { name: 'Anna', candidates: 'Anna Andersson, Anna Berg' } }),
    );
    expect(() => requireOneMember(matchMember('Ola', members), 'Ola')).toThrow(expect.objectContaining({ code: 'error.actionOwnerUnknown', params: { name: 'Ola' } }));
  });
});

describe('matchMember – properties', () => {
  const queries = fc.constantFrom(
    'Helena', 'helena lind', 'Anna', 'Anna A.', 'A. Berg', 'Berg', 'Björn', 'Bjorn Berg', 'Åsa', 'ÅSA ÖBERG', 'asa oberg', 'Karin', 'Ola', 'Andersson, Anna', 'öberg',
  );
  const casing = fc.array(fc.boolean(), { minLength: 20, maxLength: 20 });

  it('is symmetric to case', () => {
    fc.assert(
      fc.property(queries, casing, fc.shuffledSubarray(members), (query, flips, roster) => {
        const mixed = [...query].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
        const expected = ids(matchMember(query, roster));
        expect(ids(matchMember(mixed, roster))).toEqual(expected);
        expect(ids(matchMember(query.toUpperCase(), roster))).toEqual(expected);
        expect(ids(matchMember(query.toLowerCase(), roster))).toEqual(expected);
      }),
    );
  });

  it('only ever answers with members of the roster, and never one of two identical names', () => {
    fc.assert(
      fc.property(fc.string(), fc.shuffledSubarray(members), (query, roster) => {
        const r = matchMember(query, roster);
        for (const id of ids(r)) expect(roster.some((m) => m.userId === id)).toBe(true);
        const twin = matchMember(query, [...roster, ...roster.map((m) => ({ ...m, userId: `${m.userId}-twin` }))]);
        expect(twin.kind).not.toBe('one');
      }),
    );
  });
});
