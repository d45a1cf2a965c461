/**
 * The broker side of bench/cleaner.ts, in its own process: a Brook broker whose log cleaner
 * looks for work every 100 ms, and an event-loop delay monitor.
 *
 * Prints one JSON line ({ bootstrap }) once ready, then, on stdout, one JSON line
 * ({ cleaned: ... }) for each log the cleaner finishes. Reads commands on stdin, one a line:
 *   create <topic> <json configs>   creates a one-partition topic; answers "ok"
 *   config <topic> <key> <value>    sets a topic config (applies at once); answers "ok"
 *   loop                            event-loop delay since the last `loop`, { p50, p99, max } in ms,
 *                                   and the longest garbage-collection pause (gcMax)
 * Exits when stdin closes.
 *   argv: <data dir>
 */
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { pino } from 'pino'
import { Broker } from '../../src/broker.js'

const dataDir = process.argv[2]!

// The cleaner's summaries reach the parent; everything else at warn and above goes to stderr.
const logger = pino({ level: 'info' }, {
  write: (line: string) => {
    const entry = JSON.parse(line) as { msg: string; level: number }
    if (entry.msg === 'cleaned log') process.stdout.write(`${JSON.stringify({ cleaned: entry })}\n`)
    else if (entry.level >= 40) process.stderr.write(line)
  },
})

const broker = await Broker.start({
  configSources: [
    {
      name: 'bench',
      entries: new Map([
        ['listeners', 'PLAINTEXT://127.0.0.1:0'],
        ['log.dirs', dataDir],
        ['log.cleaner.backoff.ms', '100'],
        ['log.segment.delete.delay.ms', '0'],
      ]),
    },
  ],
  log: logger,
})

const delay = monitorEventLoopDelay({ resolution: 1 })
delay.enable()
let gcMax = 0
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMax = Math.max(gcMax, e.duration)
}).observe({ entryTypes: ['gc'] })
console.log(JSON.stringify({ bootstrap: broker.bootstrap }))

for await (const line of createInterface({ input: process.stdin })) {
  const [command, topic, ...rest] = line.trim().split(' ')
  if (command === 'loop') {
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100
    console.log(JSON.stringify({ loop: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), gcMax: Math.round(gcMax * 100) / 100 } }))
    delay.reset()
    gcMax = 0
    continue
  }
  if (command === 'create') await broker.cluster.createTopic({ name: topic!, partitions: 1, configs: JSON.parse(rest.join(' ')) as Record<string, string> })
  else if (command === 'config') await broker.cluster.topics.setConfigs(topic!, { ...broker.cluster.topics.get(topic!)!.configs, [rest[0]!]: rest[1]! })
  else throw new Error(`unknown command: ${line}`)
  console.log('ok')
}
await broker.close()
