import { AzureMonitorMetricExporter, AzureMonitorTraceExporter } from '@azure/monitor-opentelemetry-exporter';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import type { Logger } from '../app/ports.js';
import { type Telemetry, registerTelemetry } from './providers.js';

export interface AzureMonitorOptions {
  connectionString: string;
  metricIntervalMs: number;
  instanceId: string;
  logger: Logger;
}

/**
 * Traces and metrics to Application Insights. Undefined when they cannot be sent there: the bot
 * runs on without telemetry rather than not at all.
 */
export async function startAzureMonitor({ connectionString, metricIntervalMs, instanceId, logger }: AzureMonitorOptions): Promise<Telemetry | undefined> {
  // The SDK's complaints (an ingestion endpoint that refuses, a full queue) belong in the log; its
  // chatter does not. Only the message is kept: the arguments can hold whole envelopes.
  const complain = (message: string) => logger.warn({}, `telemetry: ${message}`);
  const quiet = () => undefined;
  diag.setLogger({ error: complain, warn: complain, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN);

  let exporters;
  try {
    exporters = { spans: new AzureMonitorTraceExporter({ connectionString }), metrics: new AzureMonitorMetricExporter({ connectionString }) };
  } catch (err) {
    logger.warn({ err }, 'telemetry off: APPLICATIONINSIGHTS_CONNECTION_STRING was not accepted');
    return undefined;
  }
  const registration = await registerTelemetry({ ...exporters, metricIntervalMs, instanceId });
  if (!registration.telemetry) {
    logger.warn({ reason: registration.reason }, 'telemetry: the bot records into the OpenTelemetry SDK already registered');
    return undefined;
  }
  logger.info({ instanceId }, 'telemetry to Application Insights');
  return registration.telemetry;
}
