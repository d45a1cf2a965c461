/**
 * `reset()` for test suites that share one broker: deletes every consumer group and every topic
 * that is not internal, as DeleteGroups and DeleteTopics would, so the next test starts from an
 * empty broker without paying for a new one. Internal topics stay (the coordinators live on them).
 */
import type { Broker } from '../broker.js'
import { BrookError, BrookErrorCode } from '../brook-error.js'
import { ErrorCode, errorName } from '../protocol/error-codes.js'

export interface ResetResult {
  readonly deletedTopics: readonly string[]
  readonly deletedGroups: readonly string[]
}

/**
 * Groups with members cannot be deleted (Kafka answers NON_EMPTY_GROUP): the topics are deleted
 * anyway, then reset throws naming those groups, since a consumer still running would make the
 * next test flaky. Disconnect consumers before calling it.
 */
export async function resetBroker(broker: Broker): Promise<ResetResult> {
  const coordinator = broker.groups.coordinator
  const listed = coordinator.listGroups([], [])
  if (listed.errorCode !== ErrorCode.NONE) {
    throw new BrookError(BrookErrorCode.RESET_FAILED, `Cannot reset: listing groups failed with ${errorName(listed.errorCode)}; retry once the broker has started`)
  }
  const groupResults = await coordinator.deleteGroups(listed.groups.map((g) => g.groupId))
  const userTopics = [...broker.cluster.topics.list()].filter((t) => !t.internal).map((t) => t.name)
  const topicResults = await broker.cluster.admin.deleteTopics(userTopics.map((name) => ({ name })))
  broker.metrics.topics.retain((topic) => broker.cluster.topics.get(topic) !== undefined)
  const failures = [
    ...groupResults.filter((r) => r.errorCode !== ErrorCode.NONE).map((r) => `group ${r.groupId}: ${errorName(r.errorCode)}`),
    ...topicResults.flatMap((r, i) => (r.error === null ? [] : [`topic ${userTopics[i]}: ${errorName(r.error.errorCode)}`])),
  ]
  if (failures.length > 0) {
    throw new BrookError(BrookErrorCode.RESET_FAILED, `Cannot reset ${failures.join(', ')} (a group with members: disconnect its consumers first)`)
  }
  return {
    deletedTopics: userTopics,
    deletedGroups: groupResults.map((r) => r.groupId),
  }
}
