import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';
import { trustTestCertificate } from './tls.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * One real PostgreSQL server for the whole run (TEST_POSTGRES_URL points at an existing one
 * instead), and a certificate the workers trust for https fakes.
 */
export default async function setup(project: TestProject) {
  // Workers are forked after this returns, and Node reads NODE_EXTRA_CA_CERTS only at start-up:
  // set here, it makes fetch and https in every worker trust the fake Graph's certificate.
  trustTestCertificate();
  // CI runs the suite on two Node.js versions; the log says which this is.
  console.info(`tests on Node.js ${process.version}`);
  const existing = process.env.TEST_POSTGRES_URL;
  if (existing) {
    project.provide('postgresUrl', existing);
    return;
  }
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
