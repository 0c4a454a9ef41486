import type { TurnContext } from 'botbuilder';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState.js';
import type { z } from 'zod';
import type { CouncilView } from '../app/councils.js';
import type { Locale } from '../domain/council.js';
import type { CardJson } from './card-templates.js';
import type { TurnKit } from './turn-kit.js';
import type { Notice } from './views.js';

export interface ActionTurn {
  context: TurnContext;
  /** The conversation's and user's turn state, kept in the database between turns. */
  state: TurnState;
  kit: TurnKit;
  /** The language to answer in before the handler knows better. */
  locale: Locale;
  /** The conversation's council as loaded at the start of the turn. */
  council?: CouncilView;
  conversationId: string;
  actorId: string;
}

/**
 * One Action.Execute verb: the zod schema its data (the action's data merged with the card's
 * inputs) must pass, and the handler that answers with a card.
 */
export interface CardAction<S extends z.ZodTypeAny = z.ZodTypeAny> {
  verb: string;
  schema: S;
  run(turn: ActionTurn, data: z.output<S>): Promise<void>;
  /** The current state, for answering a stale card (one acted on after somebody else changed it). */
  freshCard?(turn: ActionTurn, notice: Notice, data: z.output<S>): Promise<CardJson>;
}

export function defineAction<S extends z.ZodTypeAny>(action: CardAction<S>): CardAction<S> {
  return action;
}
