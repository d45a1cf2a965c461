/**
 * How the group API handlers reach the coordinator among the broker's services. Until the broker
 * runs one (it needs __consumer_offsets), they answer COORDINATOR_NOT_AVAILABLE, as Kafka's do
 * while its group coordinator is not active.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import { GroupCoordinator } from './group-coordinator.js'

export function groupCoordinatorOf(services: object): GroupCoordinator {
  if ('groups' in services && services.groups instanceof GroupCoordinator) return services.groups
  throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
}
