/**
 * The log cleaner's gauges under Kafka's MBean names as the Prometheus JMX exporter renders them:
 * kafka.log:type=LogCleaner,name=max-buffer-utilization-percent is
 * `kafka_log_logcleaner_max_buffer_utilization_percent`, and LogCleanerManager's
 * uncleanable-partitions-count carries its `logDirectory` tag as a label.
 */
import type { LogCleanerGauges } from '../storage/cleaner/log-cleaner.js'
import type { MetricFamily } from './exposition.js'

export function cleanerFamilies(g: LogCleanerGauges): MetricFamily[] {
  const gauge = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'gauge', samples: [{ value }] })
  return [
    gauge('kafka_log_logcleaner_max_buffer_utilization_percent', "Percent of the dedupe buffer (per cleaner thread) the last clean's keys filled.", g.maxBufferUtilizationPercent),
    gauge('kafka_log_logcleaner_cleaner_recopy_percent', 'Bytes the last clean wrote per 100 bytes it read.', g.cleanerRecopyPercent),
    gauge('kafka_log_logcleaner_max_clean_time_secs', 'Seconds the last clean took.', g.maxCleanTimeSecs),
    gauge('kafka_log_logcleaner_max_compaction_delay_secs', 'Seconds the most overdue compacted log was past max.compaction.lag.ms when the last clean began.', g.maxCompactionDelaySecs),
    gauge('kafka_log_logcleanermanager_max_dirty_percent', 'The highest dirty ratio, in percent, of the compacted logs at the last cleaner round.', g.maxDirtyPercent),
    gauge('kafka_log_logcleanermanager_time_since_last_run_ms', 'Milliseconds since the cleaner last looked for a log to clean.', g.timeSinceLastRunMs),
    {
      name: 'kafka_log_logcleanermanager_uncleanable_partitions_count',
      help: 'Partitions a failed clean left uncleanable until restart, by log dir.',
      type: 'gauge',
      samples: [...g.uncleanablePartitions].map(([logDirectory, n]) => ({ labels: { logDirectory }, value: n })),
    },
  ]
}
