import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey, randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  keyFile: string;
  certFile: string;
  /** What a client must trust; the certificate is self-signed, so this is certFile. */
  caFile: string;
}

/** The app registration's certificate credential, in the shapes MSAL and a config file want. */
export interface GraphClientCertificate {
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"), as msal-node's clientCertificate.privateKey expects. */
  privateKey: string;
  /** PEM; msal-node's clientCertificate.x5c takes it as is. */
  certificate: string;
  /** SHA-1, hex, upper case: what the Azure portal shows and msal-node's deprecated `thumbprint` takes. */
  thumbprint: string;
  /** SHA-256, hex, upper case: msal-node's `thumbprintSha256`. */
  thumbprintSha256: string;
  keyFile: string;
  certFile: string;
}

const owner = String(process.getuid?.() ?? userInfo().username);
const prefix = join(tmpdir(), `council-assistant-test-tls-${owner}`);
// Where trustTestCertificate() tells child processes which files the run uses.
const KEY_ENV = 'COUNCIL_TEST_TLS_KEY_FILE';
const CERT_ENV = 'COUNCIL_TEST_TLS_CERT_FILE';
// A run must not see its certificate replaced, so it is only replaced well before it expires.
const MIN_REMAINING_MS = 2 * 24 * 60 * 60 * 1000;

let serverCertificate: TestCertificate | undefined;
let clientCertificate: GraphClientCertificate | undefined;

/**
 * A certificate for https servers on 127.0.0.1/localhost in tests. Processes started after
 * trustTestCertificate() (vitest workers, the bot) use the very files their parent chose;
 * otherwise one is shared through the temporary directory, so separate runs need not each
 * call openssl.
 */
export function testCertificate(): TestCertificate {
  if (serverCertificate) return serverCertificate;
  const keyFile = process.env[KEY_ENV];
  const certFile = process.env[CERT_ENV];
  if (keyFile && certFile && usablePair(readText(keyFile) + readText(certFile))) {
    serverCertificate = { keyFile, certFile, caFile: certFile };
    return serverCertificate;
  }
  const pair = sharedPair();
  // Named by content, so a key file and a certificate file can never come from different generations.
  const tag = createHash('sha256').update(pair.cert).digest('hex').slice(0, 16);
  const ownKeyFile = writeOnce(`${prefix}-${tag}.key.pem`, pair.key);
  const ownCertFile = writeOnce(`${prefix}-${tag}.cert.pem`, pair.cert);
  serverCertificate = { keyFile: ownKeyFile, certFile: ownCertFile, caFile: ownCertFile };
  return serverCertificate;
}

function sharedPair(): KeyPair {
  const bundleFile = `${prefix}.pem`;
  const shared = usablePair(readText(bundleFile));
  if (shared) return shared;
  const fresh = generateSelfSigned('/CN=localhost', ['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  const scratch = `${bundleFile}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(scratch, fresh.key + fresh.cert, { mode: 0o600 });
  try {
    try {
      // link() is create-if-absent: when several processes race, one wins and the rest use its pair
      linkSync(scratch, bundleFile);
      return fresh;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const winner = usablePair(readText(bundleFile));
    if (winner) return winner;
    // expired or broken: replace it whole, never in place
    renameSync(scratch, bundleFile);
    return fresh;
  } finally {
    rmSync(scratch, { force: true });
  }
}

/**
 * Makes processes started from now on trust testCertificate(), by pointing NODE_EXTRA_CA_CERTS at
 * it, and serve the same one. Node reads that variable only at start-up, so call this before
 * forking (vitest's globalSetup runs before the workers are forked). A bundle someone already
 * trusts is kept.
 */
export function trustTestCertificate(env: NodeJS.ProcessEnv = process.env): string {
  const { caFile, keyFile, certFile } = testCertificate();
  env[KEY_ENV] = keyFile;
  env[CERT_ENV] = certFile;
  const ours = readFileSync(caFile, 'utf8');
  const existing = env.NODE_EXTRA_CA_CERTS;
  if (existing && existing !== caFile && existsSync(existing)) {
    const theirs = readFileSync(existing, 'utf8');
    if (theirs.includes(ours.trim())) return existing;
    const combined = `${theirs.trimEnd()}\n${ours}`;
    const tag = createHash('sha256').update(combined).digest('hex').slice(0, 16);
    env.NODE_EXTRA_CA_CERTS = writeOnce(`${prefix}-${tag}.ca-bundle.pem`, combined);
    return env.NODE_EXTRA_CA_CERTS;
  }
  env.NODE_EXTRA_CA_CERTS = caFile;
  return caFile;
}

/**
 * A key pair and self-signed certificate standing for the one uploaded to the app registration.
 * Separate from the TLS certificate; one per process is enough, since a test hands the same
 * object to the fake (to verify assertions) and to whatever signs them.
 */
export function graphClientCertificate(): GraphClientCertificate {
  if (clientCertificate) return clientCertificate;
  const { key, cert } = generateSelfSigned('/CN=council-assistant-graph-client', []);
  const x509 = new X509Certificate(cert);
  const dir = mkdtempSync(join(tmpdir(), 'council-graph-client-cert-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'client.key.pem');
  const certFile = join(dir, 'client.cert.pem');
  writeFileSync(keyFile, key, { mode: 0o600 });
  writeFileSync(certFile, cert);
  clientCertificate = {
    privateKey: key,
    certificate: cert,
    thumbprint: x509.fingerprint.replaceAll(':', '').toUpperCase(),
    thumbprintSha256: x509.fingerprint256.replaceAll(':', '').toUpperCase(),
    keyFile,
    certFile,
  };
  return clientCertificate;
}

function generateSelfSigned(subject: string, extraArgs: string[]): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'council-openssl-'));
  try {
    const keyOut = join(dir, 'key.pem');
    const certOut = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', subject, ...extraArgs, '-keyout', keyOut, '-out', certOut],
      { stdio: 'pipe' },
    );
    return { key: readFileSync(keyOut, 'utf8'), cert: readFileSync(certOut, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface KeyPair {
  key: string;
  cert: string;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function usablePair(pem: string): KeyPair | undefined {
  const key = pem.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/)?.[0];
  const cert = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/)?.[0];
  if (!key || !cert) return undefined;
  try {
    const x509 = new X509Certificate(cert);
    const usable =
      new Date(x509.validTo).getTime() - Date.now() > MIN_REMAINING_MS &&
      x509.checkPrivateKey(createPrivateKey(key)) &&
      x509.checkIP('127.0.0.1') !== undefined &&
      x509.checkHost('localhost') !== undefined;
    return usable ? { key, cert } : undefined;
  } catch {
    return undefined;
  }
}

/** Content-addressed files never change once written, so concurrent writers cannot tear them. */
function writeOnce(file: string, content: string): string {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return file;
  const scratch = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(scratch, content, { mode: 0o600 });
  renameSync(scratch, file);
  return file;
}
