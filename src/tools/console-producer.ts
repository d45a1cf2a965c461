/**
 * kafka-console-producer: reads lines from stdin and produces one record per line, with
 * ConsoleProducer's options and LineMessageReader's properties (parse.key, key.separator,
 * parse.headers, null.marker, ...). A `>` prompt is shown only when stdin is a terminal.
 */
import { createInterface } from 'node:readline'
import { ToolClient } from './client/tool-client.js'
import { ToolError } from './client/tool-error.js'
import { lineReaderConfig, parseLine } from './producer/line-reader.js'
import { RecordSender } from './producer/record-sender.js'
import { producerSetup } from './producer/producer-config.js'
import { parseKeyValues, parseToolArgs, UsageError } from './tool-args.js'
import type { OptionSpecs } from './tool-args.js'
import type { Tool, ToolIO } from './tool.js'

const options: OptionSpecs = {
  'bootstrap-server': { kind: 'value', description: 'REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to.' },
  'broker-list': { kind: 'value', description: 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified.' },
  topic: { kind: 'value', description: 'REQUIRED: The topic id to produce messages to.' },
  sync: { kind: 'flag', description: 'If set message send requests to the brokers are synchronously, one at a time as they arrive.' },
  'compression-codec': { kind: 'optional-value', description: "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. If specified without value, then it defaults to 'gzip'" },
  'batch-size': { kind: 'value', description: 'Number of messages to send in a single batch if they are not being sent synchronously.', defaultValue: '16384' },
  'message-send-max-retries': { kind: 'value', description: 'The number of retries for a failed send.', defaultValue: '3' },
  'retry-backoff-ms': { kind: 'value', description: 'Before each retry, the producer refreshes the metadata of relevant topics.', defaultValue: '100' },
  timeout: { kind: 'value', description: 'If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size. The value is given in ms.', defaultValue: '1000' },
  'request-required-acks': { kind: 'value', description: 'The required `acks` of the producer requests', defaultValue: '-1' },
  'request-timeout-ms': { kind: 'value', description: 'The ack timeout of the producer requests. Value must be non-negative and non-zero.', defaultValue: '1500' },
  'max-block-ms': { kind: 'value', description: 'The max time that the producer will block for during a send request.', defaultValue: '60000' },
  'max-memory-bytes': { kind: 'value', description: 'The total memory used by the producer to buffer records waiting to be sent to the server.' },
  'max-partition-memory-bytes': { kind: 'value', description: 'The buffer size allocated for a partition.' },
  'metadata-expiry-ms': { kind: 'value', description: 'The period of time in milliseconds after which we force a refresh of metadata.' },
  'socket-buffer-size': { kind: 'value', description: 'The size of the tcp RECV size.' },
  property: { kind: 'value', description: 'A mechanism to pass user-defined properties in the form key=value to the message reader.', argName: 'prop' },
  'reader-property': { kind: 'value', description: 'A mechanism to pass properties in the form key=value to the message reader.', argName: 'prop' },
  'producer-property': { kind: 'value', description: 'A mechanism to pass user-defined properties in the form key=value to the producer.', argName: 'producer_prop' },
  'command-property': { kind: 'value', description: 'A mechanism to pass user-defined properties in the form key=value to the producer.', argName: 'producer_prop' },
  'producer.config': { kind: 'value', description: 'Producer config properties file.' },
  'line-reader': { kind: 'value', description: 'The class name of the class to use for reading lines from standard in.' },
  version: { kind: 'flag', description: 'Display Kafka version.' },
}

/** LineMessageReader's class names, old and new: the one reader the console producer has. */
const LINE_READERS = ['org.apache.kafka.tools.LineMessageReader', 'kafka.tools.LineMessageReader', 'kafka.tools.ConsoleProducer$LineMessageReader']

async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const args = parseToolArgs(argv, options)
  const topic = args.value('topic')
  if (topic === undefined) throw new UsageError('Missing required argument "[topic]"')
  const bootstrap = args.value('bootstrap-server') ?? args.value('broker-list')
  if (bootstrap === undefined) throw new UsageError('Missing required argument "[bootstrap-server]"')
  const lineReader = args.value('line-reader')
  if (lineReader !== undefined && !LINE_READERS.includes(lineReader)) {
    throw new ToolError(`--line-reader ${lineReader} is not supported: Brook's console producer has only ${LINE_READERS[0]}`)
  }
  const readerProps = parseKeyValues([...args.values('property'), ...args.values('reader-property')])
  const reader = lineReaderConfig(readerProps)
  const setup = await producerSetup(topic, args, (line) => io.stderr(`${line}\n`))
  const client = await ToolClient.connect(bootstrap, setup.clientId)
  const sender = new RecordSender(client, setup.sender, (line) => io.stderr(`${line}\n`))
  try {
    await sender.init()
    const failed = await readLines(io, async (line, n) => {
      const parsed = parseLine(line, n, reader)
      await sender.send({ timestamp: Date.now(), key: parsed.key, value: parsed.value, headers: parsed.headers }, args.has('sync'))
    })
    await sender.flush()
    if (failed) {
      io.stderr(`org.apache.kafka.common.KafkaException: ${failed.message}\n`)
      return 1
    }
    return sender.failures > 0 ? 1 : 0
  } finally {
    await client.close()
  }
}

/** Feeds stdin's lines to `onLine` until EOF, an error or a signal; returns a line error. */
async function readLines(io: ToolIO, onLine: (line: string, lineNumber: number) => Promise<void>): Promise<ToolError | undefined> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false })
  const stop = (): void => lines.close()
  io.signal.addEventListener('abort', stop)
  let n = 0
  try {
    if (io.stdinIsTTY) io.stdout('>')
    for await (const line of lines) {
      await onLine(line, ++n)
      if (io.stdinIsTTY) io.stdout('>')
    }
    return undefined
  } catch (err) {
    if (err instanceof ToolError) return err
    throw err
  } finally {
    io.signal.removeEventListener('abort', stop)
    lines.close()
  }
}

export const consoleProducerTool: Tool = {
  name: 'console-producer',
  kafkaName: 'kafka-console-producer',
  description: 'This tool helps to read data from standard input and publish it to Kafka.',
  options,
  main,
}
