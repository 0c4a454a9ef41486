import { type ProxyTracerProvider, context, metrics, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';

export const SERVICE_NAME = 'council-assistant';

export interface TelemetryOptions {
  spans: SpanExporter;
  metrics: PushMetricExporter;
  metricIntervalMs: number;
  /** Tells instances apart (Application Insights' cloud role instance). */
  instanceId: string;
}

/** The registered SDK: what is buffered can be sent now, and everything stopped at exit. */
export interface Telemetry {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export type Registration = { telemetry: Telemetry } | { telemetry: undefined; reason: string };

/**
 * Registers tracer and meter providers that send to the given exporters. Another SDK that got
 * there first (App Service's Application Insights agent) keeps the globals: the bot's signals
 * then go through it, and these providers are shut down again.
 */
export async function registerTelemetry(options: TelemetryOptions): Promise<Registration> {
  const resource = resourceFromAttributes({ 'service.name': SERVICE_NAME, 'service.instance.id': options.instanceId });
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(options.spans)] });
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: options.metrics,
        exportIntervalMillis: options.metricIntervalMs,
        exportTimeoutMillis: Math.min(30_000, options.metricIntervalMs),
      }),
    ],
  });
  const stop = async () => {
    await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
  };

  const release = () => {
    // Released so a later registration (a test's) is not refused as a duplicate.
    trace.disable();
    context.disable();
    propagation.disable();
  };

  tracerProvider.register();
  const current = trace.getTracerProvider() as Partial<ProxyTracerProvider>;
  if (current.getDelegate?.() !== tracerProvider) {
    await stop();
    return { telemetry: undefined, reason: 'another OpenTelemetry SDK already provides traces' };
  }
  if (!metrics.setGlobalMeterProvider(meterProvider)) {
    release();
    await stop();
    return { telemetry: undefined, reason: 'another OpenTelemetry SDK already provides metrics' };
  }

  return {
    telemetry: {
      async flush() {
        await Promise.allSettled([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
      },
      async shutdown() {
        await stop();
        release();
        metrics.disable();
      },
    },
  };
}
