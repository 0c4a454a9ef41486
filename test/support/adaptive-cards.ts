import { createRequire } from 'node:module';

// The package's ESM build has extension-less imports Node cannot resolve; its UMD bundle loads fine.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');

export interface CardCheck {
  parseEvents: string[];
  validationEvents: string[];
  bytes: number;
}

/** Parses a card with the Adaptive Cards SDK the way a host would and collects every complaint. */
export function checkCard(card: unknown): CardCheck {
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  parsed.parse(card, ctx);
  const parseEvents: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) parseEvents.push(ctx.getEventAt(i).message);
  const validation = parsed.validateProperties();
  const validationEvents = (validation.validationEvents ?? []).map((e: { message: string }) => e.message);
  return { parseEvents, validationEvents, bytes: Buffer.byteLength(JSON.stringify(card)) };
}
