import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import { appendFailureCode, commitWriteErrorCode, groupWriteErrorCode, OrderedAppends } from './group-log.js'
import type { GroupLog } from './group-log.js'

/** A log whose appends finish when the test says, in any order. */
function manualLog() {
  const pending: { partition: number; finish: (err?: unknown) => void }[] = []
  const log: GroupLog = {
    append: (partition) => new Promise<void>((resolve, reject) => pending.push({ partition, finish: (err) => (err ? reject(err) : resolve()) })),
  }
  return { log, pending }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('OrderedAppends', () => {
  it('starts appends at once but settles them in call order per partition', async () => {
    const { log, pending } = manualLog()
    const appends = new OrderedAppends(log)
    const done: string[] = []
    void appends.append(0, []).then(() => done.push('first'))
    void appends.append(0, []).then(() => done.push('second'))
    void appends.append(1, []).then(() => done.push('other partition'))
    expect(pending).toHaveLength(3)
    pending[1]!.finish()
    pending[2]!.finish()
    await flush()
    expect(done).toEqual(['other partition'])
    pending[0]!.finish()
    await flush()
    expect(done).toEqual(['other partition', 'first', 'second'])
  })

  it('reports each append\'s own failure, and idle() waits for everything without failing', async () => {
    const { log, pending } = manualLog()
    const appends = new OrderedAppends(log)
    const failing = appends.append(0, [])
    const fine = appends.append(0, [])
    const idle = appends.idle(0)
    pending[1]!.finish()
    pending[0]!.finish(new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER))
    await expect(failing).rejects.toThrow(KafkaError)
    await expect(fine).resolves.toBeUndefined()
    await expect(idle).resolves.toBeUndefined()
  })

  it('turns a synchronous throw of the log into a rejected append', async () => {
    const appends = new OrderedAppends({
      append: () => {
        throw new Error('disk gone')
      },
    })
    await expect(appends.append(0, [])).rejects.toThrow('disk gone')
  })
})

describe('append failure codes', () => {
  it('maps append errors as Kafka\'s coordinator does', () => {
    expect(appendFailureCode(new Error('EIO'))).toBe(ErrorCode.KAFKA_STORAGE_ERROR)
    expect(appendFailureCode(new KafkaError(ErrorCode.REQUEST_TIMED_OUT))).toBe(ErrorCode.REQUEST_TIMED_OUT)
    expect(groupWriteErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect(groupWriteErrorCode(ErrorCode.REQUEST_TIMED_OUT)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect(groupWriteErrorCode(ErrorCode.KAFKA_STORAGE_ERROR)).toBe(ErrorCode.NOT_COORDINATOR)
    expect(groupWriteErrorCode(ErrorCode.RECORD_LIST_TOO_LARGE)).toBe(ErrorCode.UNKNOWN_SERVER_ERROR)
    expect(commitWriteErrorCode(ErrorCode.RECORD_LIST_TOO_LARGE)).toBe(ErrorCode.INVALID_COMMIT_OFFSET_SIZE)
    expect(commitWriteErrorCode(ErrorCode.NOT_LEADER_OR_FOLLOWER)).toBe(ErrorCode.NOT_COORDINATOR)
    expect(commitWriteErrorCode(ErrorCode.POLICY_VIOLATION)).toBe(ErrorCode.POLICY_VIOLATION)
  })
})
