import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ServiceUrlRefused, createAdapter } from '../../src/teams/adapter.js';
import { localServiceUrls } from '../../src/teams/service-url.js';
import { FakeConnector } from '../support/fake-connector.js';

describe('where a bot without credentials may send', () => {
  const local = localServiceUrls(undefined);

  it('allows the loopback in every spelling', () => {
    for (const url of [
      'http://localhost:56150/_connector',
      'http://LOCALHOST:3978/',
      'http://127.0.0.1:1234/',
      'http://127.8.9.10/',
      'https://127.0.0.1/',
      'http://[::1]:3978/',
      'http://[::ffff:127.0.0.1]:3978/',
      'http://127.1/',
    ]) {
      expect(local(url), url).toBe(true);
    }
  });

  it('refuses everything else', () => {
    for (const url of [
      'https://smba.trafficmanager.net/emea/',
      'https://evil.example/',
      'http://10.255.255.1:9/',
      'http://192.168.1.10:3978/',
      'http://0.0.0.0:3978/',
      'http://[::]:3978/',
      'http://[fd00::2]/',
      'http://localhost.evil.example/',
      'http://127.0.0.1.nip.io/',
      'ftp://127.0.0.1/',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(local(url), url).toBe(false);
    }
  });

  it('allows the Playground at the address it was given, and only there', () => {
    const withPlayground = localServiceUrls('http://devbox.example:56150/_connector');
    expect(withPlayground('http://devbox.example:56150/_connector')).toBe(true);
    expect(withPlayground('http://devbox.example:56150/v3/conversations/x')).toBe(true);
    expect(withPlayground('http://devbox.example:56151/_connector')).toBe(false);
    expect(withPlayground('https://devbox.example:56150/_connector')).toBe(false);
    expect(withPlayground('http://localhost:1/')).toBe(true);
  });
});

/** One of this machine's own addresses that is not the loopback, if it has one. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

describe.skipIf(outsideAddress === undefined)('a local-mode adapter', () => {
  const connector = new FakeConnector();
  beforeAll(async () => {
    await connector.start(0, '0.0.0.0');
  });
  afterAll(async () => {
    await connector.stop();
  });

  it('sends nothing to a stored conversation whose serviceUrl is not local', async () => {
    const errors: unknown[] = [];
    const logger = { info() {}, warn() {}, debug() {}, error: (obj: object) => errors.push((obj as { err: unknown }).err) };
    const adapter = createAdapter(loadConfig({}), logger);
    const send = (serviceUrl: string) =>
      adapter.continueConversationAsync('', { serviceUrl, channelId: 'msteams', conversation: { id: 'a:1', isGroup: false, conversationType: 'personal', name: '' } }, async (context) => {
        await context.sendActivity('Påminnelse');
      });

    connector.reset();
    await send(connector.urlOn(outsideAddress!));
    expect(connector.calls).toHaveLength(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ServiceUrlRefused);

    // The same fake through the loopback gets the message: the refusal was the address.
    await send(connector.url);
    expect(connector.sent('a:1')).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});
