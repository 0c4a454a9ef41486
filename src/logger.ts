import pino from 'pino';

export function createLogger(level: string) {
  return pino({
    level,
    base: { service: 'council-assistant' },
    // Card inputs and message texts are people's words; they never reach the log.
    redact: { paths: ['req.body', 'text', 'activity.text', 'value'], remove: true },
  });
}
