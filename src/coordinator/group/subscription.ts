/**
 * The topics a `consumer` protocol member subscribes to. The coordinator otherwise never looks
 * into protocol metadata; it does here, as Kafka does, only to refuse OffsetDelete for topics
 * the group still consumes and to keep their offsets from expiring.
 *
 * Metadata bytes: int16 version, then ConsumerProtocolSubscription. Every version starts with
 * the v0 fields (topics, userData), so reading v0 works for all of them.
 */
import { decodeConsumerProtocolSubscription } from '../../protocol/generated/data/consumer-protocol-subscription.js'
import { Reader } from '../../protocol/primitives/reader.js'

export const CONSUMER_PROTOCOL_TYPE = 'consumer'

/** The subscribed topics, or null when the bytes are not a consumer subscription. */
export function subscribedTopicsOf(metadata: Buffer): readonly string[] | null {
  try {
    const r = new Reader(metadata)
    r.readInt16()
    return decodeConsumerProtocolSubscription(r, 0).topics
  } catch {
    return null
  }
}
