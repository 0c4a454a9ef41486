/**
 * The benchmark's baseline: the plainest botbuilder + teams-ai bot hosted the way the real bot is
 * (express 5, express.json, POST /api/messages, GET /readyz), with no store, no validation and no
 * templating. It echoes messages and answers every Action.Execute invoke with a small card.
 *
 * Runs as its own process: `PORT=3979 node dist/bench/echo-bot.js`.
 */
import type { AddressInfo } from 'node:net';
import { ActivityTypes, MemoryStorage } from 'botbuilder';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import express from 'express';

const startedAt = performance.now();

// No app id: like the real bot's local mode, no inbound token check and no outbound token.
const adapter = new TeamsAdapter({});
adapter.onTurnError = async (_context, error) => {
  process.stderr.write(`echo bot turn error: ${(error as Error).stack ?? String(error)}\n`);
};

const app = new Application<TurnState>({
  adapter,
  storage: new MemoryStorage(),
  removeRecipientMention: true,
  startTypingTimer: false,
});

app.activity(ActivityTypes.Message, async (context) => {
  await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
});

app.adaptiveCards.actionExecute(/^/, async (_context, _state, data) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Echo', weight: 'Bolder', size: 'Medium' },
    { type: 'TextBlock', text: `data: ${JSON.stringify(data).slice(0, 200)}`, wrap: true },
  ],
}));

const server = express();
server.disable('x-powered-by');
server.get('/readyz', (_req, res) => {
  res.status(200).json({ status: 'ready' });
});
server.post('/api/messages', express.json({ limit: 1024 * 1024, type: () => true, strict: true }), async (req, res) => {
  try {
    await adapter.process(req, res, async (context) => {
      await app.run(context);
    });
  } catch (err) {
    process.stderr.write(`echo bot request failed: ${(err as Error).stack ?? String(err)}\n`);
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  }
});

const listener = server.listen(Number(process.env.PORT ?? 3979), process.env.HOST ?? '127.0.0.1');
listener.once('listening', () => {
  const port = (listener.address() as AddressInfo).port;
  if (process.env.LOG_LEVEL !== 'warn' && process.env.LOG_LEVEL !== 'silent') {
    process.stdout.write(`echo bot listening on http://127.0.0.1:${port}/api/messages (${Math.round(performance.now() - startedAt)} ms)\n`);
  }
});
listener.once('error', (err) => {
  process.stderr.write(`echo bot could not listen: ${err.message}\n`);
  process.exit(1);
});

const stop = () => {
  listener.close(() => process.exit(0));
  listener.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
