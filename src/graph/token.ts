import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import type { GraphSettings } from '../config.js';

export interface TokenSource {
  token(): Promise<string>;
  /** Graph refused the token (401): the next call fetches a new one instead of the cached one. */
  invalidate(): void;
  /**
   * Graph refused even a token just obtained: the credentials are wrong for Graph, not the token
   * stale. Returns the error to throw in place of Graph's answer; absent where nothing watches them.
   */
  refused?(reason: string): Error;
}

/** Tokens are renewed this long before they expire, so a request never leaves with one about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** The app's certificate credential from one PEM file holding the certificate and its private key. */
export function certificateCredential(pem: string): { thumbprintSha256: string; privateKey: string; x5c: string } {
  const certPem = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0];
  const keyPem = pem.match(/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/)?.[0];
  if (!certPem || !keyPem) throw new Error('GRAPH_CERTIFICATE_FILE must hold a PEM certificate and its private key');
  const cert = new X509Certificate(certPem);
  // MSAL wants PKCS#8; a key exported as PKCS#1 ("RSA PRIVATE KEY") is converted rather than refused.
  const privateKey = createPrivateKey(keyPem).export({ format: 'pem', type: 'pkcs8' }).toString();
  return {
    thumbprintSha256: createHash('sha256').update(cert.raw).digest('hex').toUpperCase(),
    privateKey,
    x5c: certPem,
  };
}

export function msalConfiguration(settings: GraphSettings): Configuration {
  const authority = `${settings.authorityHost}/${settings.tenantId}`;
  const credential = settings.credential;
  return {
    auth: {
      clientId: settings.clientId,
      authority,
      // A known authority is trusted as it is: no instance discovery against the public cloud first.
      knownAuthorities: [new URL(settings.authorityHost).host],
      ...('clientSecret' in credential
        ? { clientSecret: credential.clientSecret }
        : { clientCertificate: certificateCredential('certificatePem' in credential ? credential.certificatePem : readFileSync(credential.certificateFile, 'utf8')) }),
    },
  };
}

/**
 * App-only Graph tokens (client credentials), kept until shortly before they expire. MSAL keeps
 * its own cache too; this one makes the renewal point explicit and lets a 401 force a new token.
 */
export function createTokenSource(settings: GraphSettings, now: () => number = Date.now): TokenSource {
  const app = new ConfidentialClientApplication(msalConfiguration(settings));
  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let forceNext = false;

  async function fetchToken(): Promise<string> {
    const skipCache = forceNext;
    forceNext = false;
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], skipCache });
    if (!result?.accessToken) throw new Error('Graph token request returned no token');
    const expires = result.expiresOn?.getTime() ?? now() + 10 * 60_000;
    cached = { token: result.accessToken, renewAt: expires - Math.min(RENEW_BEFORE_MS, (expires - now()) / 2) };
    return result.accessToken;
  }

  return {
    async token() {
      if (cached && now() < cached.renewAt) return cached.token;
      // Parallel requests share one token request instead of each asking for its own.
      inFlight ??= fetchToken().finally(() => (inFlight = undefined));
      return inFlight;
    },
    invalidate() {
      cached = undefined;
      forceNext = true;
    },
  };
}
