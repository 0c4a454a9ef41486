import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/** One real PostgreSQL server for the whole run; TEST_POSTGRES_URL points at an existing one instead. */
export default async function setup(project: TestProject) {
  const existing = process.env.TEST_POSTGRES_URL;
  if (existing) {
    project.provide('postgresUrl', existing);
    return;
  }
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
