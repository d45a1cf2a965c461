/**
 * What the coordinator's operations share: config, time, timers, the groups and offsets of the
 * loaded partitions, and ordered writes to the group's __consumer_offsets partition.
 */
import type { Logger } from '../../log.js'
import type { TxnProducer } from '../coordinator-log.js'
import type { ClassicGroup } from './classic-group.js'
import type { GroupCoordinatorConfig } from './config.js'
import type { KeyedTimers } from './keyed-timers.js'
import type { OffsetStore } from './offset-store.js'
import type { GroupLogRecord } from './records.js'
import type { TxnOffsetStore } from './txn-offsets.js'

export interface CoordinatorContext {
  readonly config: GroupCoordinatorConfig
  readonly now: () => number
  readonly timers: KeyedTimers
  readonly log: Logger
  readonly groups: Map<string, ClassicGroup>
  readonly offsets: OffsetStore
  /** Transactional offset commits waiting for their transaction's marker. */
  readonly txnOffsets: TxnOffsetStore
  /** Appends to the group's partition; settles in call order; rejects with the append's failure. */
  write(groupId: string, records: readonly GroupLogRecord[], transactional?: TxnProducer): Promise<void>
  /** Settles once every write to the group's partition issued so far has settled; never rejects. */
  written(groupId: string): Promise<void>
}
