// AddPartitionsToTxn v0-5. v1: no wire change. v2: a client may receive PRODUCER_FENCED
// (older versions get INVALID_PRODUCER_EPOCH). v3: flexible. v4+: several transactional ids per
// request, each answered on its own, and verify-only entries that check the partitions are in the
// transaction without adding them (KIP-890). If any partition's topic does not exist, nothing is
// added: those partitions get UNKNOWN_TOPIC_OR_PARTITION and the rest OPERATION_NOT_ATTEMPTED.
import { ErrorCode } from '../protocol/error-codes.js'
import { AddPartitionsToTxn } from '../protocol/generated/add-partitions-to-txn.js'
import type { AddPartitionsToTxnResponse, AddPartitionsToTxnTopic, AddPartitionsToTxnTopicResult, AddPartitionsToTxnTransaction } from '../protocol/generated/add-partitions-to-txn.js'
import { defineHandler } from './handler.js'
import type { RequestContext } from './handler.js'

export const addPartitionsToTxn = defineHandler({
  api: AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 5,
  handle: async (req, ctx) => {
    if (ctx.apiVersion >= 4) {
      await ctx.services.transactions.ready()
      const results = await Promise.all(req.transactions.map((t) => handleTransaction(t, ctx)))
      return response(ErrorCode.NONE, req.transactions.map((t, i) => ({ transactionalId: t.transactionalId, topicResults: results[i]! })), [])
    }
    await ctx.services.transactions.ready()
    const single: AddPartitionsToTxnTransaction = {
      transactionalId: req.v3AndBelowTransactionalId,
      producerId: req.v3AndBelowProducerId,
      producerEpoch: req.v3AndBelowProducerEpoch,
      verifyOnly: false,
      topics: req.v3AndBelowTopics,
    }
    return response(ErrorCode.NONE, [], await handleTransaction(single, ctx))
  },
  errorResponse: (req, errorCode, ctx) => {
    const all = (topics: readonly AddPartitionsToTxnTopic[]) => results(topics, () => errorCode)
    if (ctx.apiVersion >= 4) return response(errorCode, [], [])
    return response(ErrorCode.NONE, [], all(req.v3AndBelowTopics))
  },
})

function response(errorCode: number, resultsByTransaction: AddPartitionsToTxnResponse['resultsByTransaction'], resultsByTopicV3AndBelow: AddPartitionsToTxnTopicResult[]): AddPartitionsToTxnResponse {
  return { throttleTimeMs: 0, errorCode, resultsByTransaction, resultsByTopicV3AndBelow }
}

function results(topics: readonly AddPartitionsToTxnTopic[], code: (topic: string, partition: number, i: number) => number): AddPartitionsToTxnTopicResult[] {
  let i = 0
  return topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: code(t.name, p, i++) })) }))
}

async function handleTransaction(t: AddPartitionsToTxnTransaction, ctx: RequestContext): Promise<AddPartitionsToTxnTopicResult[]> {
  const topics = ctx.services.cluster.topics
  const exists = (topic: string, partition: number): boolean => {
    const count = topics.get(topic)?.partitions
    return count !== undefined && partition >= 0 && partition < count
  }
  const partitions = t.topics.flatMap((topic) => topic.partitions.map((p) => [topic.name, p] as const))
  if (partitions.some(([topic, p]) => !exists(topic, p))) {
    return results(t.topics, (topic, p) => (exists(topic, p) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
  }
  const call = { transactionalId: t.transactionalId, producerId: t.producerId, producerEpoch: t.producerEpoch, partitions }
  if (t.verifyOnly) {
    const codes = ctx.services.transactions.verifyPartitions(call)
    return results(t.topics, (_topic, _p, i) => codes[i]!)
  }
  const code = await ctx.services.transactions.addPartitions(call)
  // Clients before v2 know PRODUCER_FENCED only as INVALID_PRODUCER_EPOCH.
  const answer = code === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : code
  return results(t.topics, () => answer)
}
