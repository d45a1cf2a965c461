/**
 * What kafka-consumer-groups needs about a classic group: its state, assignor, coordinator
 * and members with their decoded assignments (DescribeGroups at the group's coordinator).
 */
import { DescribeGroups } from '../../protocol/generated/describe-groups.js'
import { ListGroups } from '../../protocol/generated/list-groups.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { TopicPartition } from '../client/group-offsets.js'
import type { BrokerNode, ToolClient } from '../client/tool-client.js'
import { KafkaResponseError } from '../client/tool-error.js'
import { decodeAssignment } from '../consumer/group-member.js'

export interface GroupMemberInfo {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly host: string
  readonly assignment: TopicPartition[]
}

export interface GroupInfo {
  readonly groupId: string
  readonly state: string
  readonly assignor: string
  readonly coordinator: BrokerNode
  readonly members: GroupMemberInfo[]
}

export interface GroupListing {
  readonly groupId: string
  readonly state: string
  readonly type: string
}

/** Consumer groups (protocol type "consumer" or none), as Admin.listGroups for consumer groups. */
export async function listConsumerGroups(client: ToolClient): Promise<GroupListing[]> {
  await client.metadata([])
  const out: GroupListing[] = []
  for (const broker of client.brokers) {
    const response = await client.send(ListGroups, { statesFilter: [], typesFilter: [] }, { nodeId: broker.nodeId })
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(response.errorCode)
    for (const g of response.groups) {
      if (g.protocolType !== 'consumer' && g.protocolType !== '') continue
      out.push({ groupId: g.groupId, state: g.groupState || 'Unknown', type: g.groupType ? capitalize(g.groupType) : 'Classic' })
    }
  }
  return out
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()
}

export async function describeGroup(client: ToolClient, groupId: string): Promise<GroupInfo> {
  const nodeId = await client.findCoordinator(groupId)
  const response = await client.send(DescribeGroups, { groups: [groupId], includeAuthorizedOperations: false }, { nodeId })
  const g = response.groups[0]
  if (g === undefined) throw new KafkaResponseError(ErrorCode.GROUP_ID_NOT_FOUND)
  if (g.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(g.errorCode)
  const coordinator = client.brokers.find((b) => b.nodeId === nodeId) ?? { nodeId, host: '', port: 0, rack: null }
  return {
    groupId,
    state: g.groupState,
    assignor: g.protocolData,
    coordinator,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: g.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : [],
    })),
  }
}
