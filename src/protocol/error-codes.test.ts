import { describe, expect, it } from 'vitest'
import { ErrorCode, errorName, isKnownErrorCode, isRetriable } from './error-codes.js'
import { KafkaError } from './kafka-error.js'

describe('error codes', () => {
  it('has Kafka numbers for well-known names', () => {
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1)
    expect(ErrorCode.NONE).toBe(0)
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3)
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6)
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35)
    expect(ErrorCode.INVALID_PRODUCER_EPOCH).toBe(47)
    expect(ErrorCode.UNKNOWN_TOPIC_ID).toBe(100)
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120)
  })

  it('numbers the codes densely from -1 without duplicates', () => {
    const codes = Object.values(ErrorCode).sort((a, b) => a - b)
    expect(codes[0]).toBe(-1)
    codes.forEach((c, i) => expect(c).toBe(i - 1))
  })

  it('names codes and flags retriable ones', () => {
    expect(errorName(16)).toBe('NOT_COORDINATOR')
    expect(errorName(9999)).toBe('UNKNOWN_ERROR_CODE_9999')
    expect(isRetriable(ErrorCode.NOT_COORDINATOR)).toBe(true)
    expect(isRetriable(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true)
    expect(isRetriable(ErrorCode.TOPIC_AUTHORIZATION_FAILED)).toBe(false)
    expect(isRetriable(ErrorCode.NONE)).toBe(false)
    expect(isKnownErrorCode(42)).toBe(true)
    expect(isKnownErrorCode(-2)).toBe(false)
  })

  it('KafkaError carries the code and its name', () => {
    const e = new KafkaError(ErrorCode.GROUP_AUTHORIZATION_FAILED)
    expect(e).toBeInstanceOf(Error)
    expect(e.code).toBe(30)
    expect(e.message).toBe('GROUP_AUTHORIZATION_FAILED')
    expect(new KafkaError(3, 'no such topic').errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })
})
