import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { testCertificate } from './tls.js';

/** One Application Insights telemetry item as the exporter posts it. */
export interface Envelope {
  name: string;
  time: string;
  iKey: string;
  tags?: Record<string, string>;
  data?: { baseType: string; baseData: Record<string, any> };
}

export const TEST_INSTRUMENTATION_KEY = '00000000-0000-0000-0000-000000000000';

/**
 * Application Insights' ingestion endpoint (POST /v2.1/track, a JSON array of envelopes, maybe
 * gzipped) over https on 127.0.0.1 with the test certificate. It accepts everything and keeps
 * it; a bot child process trusts it when given NODE_EXTRA_CA_CERTS=testCertificate().caFile.
 */
export class FakeIngestion {
  readonly envelopes: Envelope[] = [];
  /** Every body as it arrived (unzipped), to search for what must never be sent. */
  readonly bodies: string[] = [];
  /** Requests to anything but the track endpoint. */
  readonly strays: string[] = [];
  private server?: Server;
  private port = 0;

  get connectionString(): string {
    return `InstrumentationKey=${TEST_INSTRUMENTATION_KEY};IngestionEndpoint=https://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<this> {
    const { keyFile, certFile } = testCertificate();
    this.server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  ofType(baseType: 'RequestData' | 'RemoteDependencyData' | 'MetricData'): Envelope[] {
    return this.envelopes.filter((e) => e.data?.baseType === baseType);
  }

  /** The metric items carrying the named metric. */
  metric(name: string): Envelope[] {
    return this.ofType('MetricData').filter((e) => (e.data!.baseData.metrics as { name: string }[]).some((m) => m.name === name));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '').replace(/\/{2,}/g, '/');
    if (req.method !== 'POST' || path !== '/v2.1/track') {
      this.strays.push(`${req.method} ${req.url}`);
      res.writeHead(404).end();
      return;
    }
    let raw = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    const text = raw.toString('utf8');
    this.bodies.push(text);
    const items = text.trim().startsWith('[') ? (JSON.parse(text) as Envelope[]) : text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Envelope);
    this.envelopes.push(...items);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
  }
}
