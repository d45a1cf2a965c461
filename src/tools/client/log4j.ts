/**
 * Lines in the layout of Kafka's tools-log4j configuration (`[date] LEVEL message (logger)`),
 * for the warnings and errors Kafka's tools print on stderr.
 */

/** log4j's default date layout, `yyyy-MM-dd HH:mm:ss,SSS` in local time. */
export function log4jTime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`
}

export function log4jLine(level: 'WARN' | 'ERROR', message: string, logger: string, now = new Date()): string {
  return `[${log4jTime(now)}] ${level} ${message} (${logger})`
}
