import pino from 'pino';

// Graph quotes the mailbox it could not use ("The requested user 'x@region.se' is invalid"), and
// outbox keys can hold one; ids stay in the log, addresses do not. Teams conversation ids look
// like addresses ("19:…@thread.v2", "19:…@unq.gbl.spaces") and are ids. Only what an address can
// hold counts: paths in stack frames ("node_modules/@azure/msal-node/….mjs:851") are no addresses,
// and "msal-node@3.8.10" has no top-level domain. A match starts only where a run of address
// characters starts, so a long run without "@" is read once, not once from each of its characters.
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@(?!thread\.|unq\.gbl\.spaces\b)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.[A-Za-z]{2,}\b/gu;

export function withoutEmails(text: string): string {
  return text.includes('@') ? text.replace(EMAIL, '<email>') : text;
}

export function createLogger(level: string, destination?: pino.DestinationStream) {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'council-assistant' },
    // Card inputs and message texts are people's words; they never reach the log.
    redact: { paths: ['req.body', 'text', 'activity.text', 'value'], remove: true },
    serializers: {
      err(err: unknown) {
        const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
        // Anything but an error comes back as it was given, and is not ours to change.
        if (out === null || typeof out !== 'object' || (out as unknown) === err) return out;
        for (const key of ['message', 'stack'] as const) if (typeof out[key] === 'string') out[key] = withoutEmails(out[key] as string);
        return out;
      },
    },
    formatters: {
      log(object) {
        let out = object;
        for (const [key, value] of Object.entries(object)) {
          if (typeof value !== 'string' || !value.includes('@')) continue;
          // A copy: the caller's object is not ours to change.
          if (out === object) out = { ...object };
          out[key] = withoutEmails(value);
        }
        return out;
      },
    },
  };
  // Written as logged. pino's default buffers and flushes at exit, and that last flush retries a
  // write to a closed pipe for ever (sonic-boom 4 repeats every error but EAGAIN): SIGTERM with
  // stdout gone never finished. Written at once, a closed pipe fails the write in place, and pino
  // stops writing there.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
