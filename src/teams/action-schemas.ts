import { z } from 'zod';
import { COUNCIL_NAME_MAX, LOCALES } from '../domain/council.js';

const version = z.coerce.number().int().positive();
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === undefined || v === '' ? null : v));

/** What each Action.Execute verb accepts: the action's data merged with the card's inputs. */
export const actionSchemas = {
  'council.setup': z.object({
    name: z.string().trim().min(1).max(COUNCIL_NAME_MAX),
    locale: z.enum(LOCALES),
    timeZone: z.string().trim().min(1).max(64),
  }),
  'council.show': z.object({}),
  'council.setRole': z.object({
    version,
    userId: z.string().min(1).max(256),
    role: z.enum(['chair', 'secretary', 'member']),
  }),
  'council.addGuest': z.object({
    version,
    guestName: z.string().trim().min(1).max(120),
    guestOrganisation: optionalText(120),
    guestEmail: z
      .union([z.literal(''), z.string().trim().email().max(320)])
      .optional()
      .transform((v) => (v ? v : null)),
  }),
  'council.removeGuest': z.object({
    version,
    guestUserId: z.string().min(1).max(256),
  }),
} as const;

export type ActionVerb = keyof typeof actionSchemas;
export type ActionData<V extends ActionVerb> = z.output<(typeof actionSchemas)[V]>;
export const ACTION_VERBS = Object.keys(actionSchemas) as ActionVerb[];
