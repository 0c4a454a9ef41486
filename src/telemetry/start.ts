import { hostname } from 'node:os';
import type { Logger } from '../app/ports.js';
import type { Config } from '../config.js';

/** Telemetry as the composition root sees it: started or not, and stopped before exit. */
export interface TelemetryHandle {
  /** Sends what is buffered and stops; gives up after a few seconds so an unreachable endpoint cannot hold the exit. */
  stop(): Promise<void>;
}

const STOP_WAIT_MS = 5_000;
const off: TelemetryHandle = { stop: async () => undefined };

/** Never rejects: without telemetry the bot still serves. */
export async function startTelemetry(config: Config, logger: Logger): Promise<TelemetryHandle> {
  const connectionString = config.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (!connectionString) return off;
  try {
    // Imported only when wanted: the exporter and the SDK would slow every other start.
    const { startAzureMonitor } = await import('./azure-monitor.js');
    const telemetry = await startAzureMonitor({
      connectionString,
      metricIntervalMs: config.OTEL_METRIC_EXPORT_INTERVAL,
      // Several instances on one host (tests, a container per core) differ by process.
      instanceId: config.WEBSITE_INSTANCE_ID ?? `${hostname()}:${process.pid}`,
      logger,
    });
    if (!telemetry) return off;
    return {
      async stop() {
        let timer: NodeJS.Timeout | undefined;
        const waited = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, STOP_WAIT_MS);
        });
        await Promise.race([telemetry.shutdown(), waited]);
        clearTimeout(timer);
      },
    };
  } catch (err) {
    logger.warn({ err }, 'telemetry off: it could not be started');
    return off;
  }
}
