import { type KeyObject, createHmac, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The issuer of the Bot Framework channel's tokens, which the bot checks. */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * The Bot Framework's token service as the bot sees it: an OpenID metadata document and its
 * signing keys (login.botframework.com/v1/.well-known/openidconfiguration), and tokens signed
 * with those keys the way the channel signs its requests to a bot.
 */
export class FakeBotFrameworkTokens {
  readonly kid = randomUUID();
  private readonly key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server?: Server;

  get metadataUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const { port } = this.server!.address() as AddressInfo;
      const body =
        req.url === '/v1/.well-known/openidconfiguration'
          ? { issuer: CHANNEL_ISSUER, jwks_uri: `http://127.0.0.1:${port}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }
          : req.url === '/v1/.well-known/keys'
            ? { keys: [{ ...this.key.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', endorsements: ['msteams'] }] }
            : undefined;
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' }).end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The claims the channel puts in a token for `appId`, valid for an hour. */
  claims(appId: string, serviceUrl: string): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return { iss: CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600 };
  }

  /** RS256 with this service's key, or with `key` (a key it never published) under its key id. */
  sign(claims: Record<string, unknown>, key: KeyObject = this.key.privateKey): string {
    const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: this.kid, x5t: this.kid })}.${b64url(claims)}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
  }

  /** Unsigned ("alg": "none") under this service's key id. */
  unsigned(claims: Record<string, unknown>): string {
    return `${b64url({ alg: 'none', typ: 'JWT', kid: this.kid })}.${b64url(claims)}.`;
  }

  /** HS256 with a shared secret, under this service's key id. */
  hmac(claims: Record<string, unknown>, secret: string): string {
    const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: this.kid })}.${b64url(claims)}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  }
}
