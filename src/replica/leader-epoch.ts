/**
 * Brook is the only broker: it leads every partition from the partition's creation on, and no
 * election ever bumps the epoch, so every partition is at leader epoch 0 (the epoch Kafka gives
 * a new partition). Produce stamps it on batches; ListOffsets and Metadata report it.
 */
export const LEADER_EPOCH = 0
