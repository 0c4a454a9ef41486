import { z } from 'zod';

/** zod pieces for what cards send: ids and versions from action data, text from inputs. */
export const id = z.string().min(1).max(128);
export const version = z.coerce.number().int().positive();
export const page = z.coerce.number().int().min(1).max(100).optional();

/** Teams sends an untouched optional input as "" (or leaves it out). */
export const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

export const date = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Input.Time gives "HH:MM" (some clients "HH:MM:SS"). */
export const time = z
  .string()
  .trim()
  .regex(/^\d{1,2}:\d{2}(:\d{2})?$/)
  .transform((v) => v.slice(0, 5).padStart(5, '0'));

export const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => (v && v.trim() !== '' ? v.trim() : null));

/** Input.Toggle sends its valueOn/valueOff strings; action data may carry real booleans. */
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .optional()
  .transform((v) => v === true || v === 'true');

/** Which of two readings of a time the clock shows twice; Teams sends an unanswered choice as "". */
export const fold = z.preprocess(blankToUndefined, z.enum(['earlier', 'later']).optional());
