// DescribeCluster v0-1. v1: endpointType (KIP-919); a broker serves BROKER endpoints only and answers
// UNSUPPORTED_ENDPOINT_TYPE for CONTROLLER, as Kafka's broker does. The one node is broker and controller.
import { ErrorCode } from '../protocol/error-codes.js'
import { DescribeCluster } from '../protocol/generated/describe-cluster.js'
import { ALL_CLUSTER_OPERATIONS, OPERATIONS_NOT_REQUESTED } from './authorized-operations.js'
import { defineHandler } from './handler.js'

const BROKER_ENDPOINTS = 1

export const describeCluster = defineHandler({
  api: DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle: (req, ctx) => {
    const { cluster } = ctx.services
    const base = { throttleTimeMs: 0, endpointType: req.endpointType, clusterId: cluster.clusterId, controllerId: cluster.controllerId }
    if (req.endpointType !== BROKER_ENDPOINTS) {
      return {
        ...base,
        errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: 'The broker only handles broker endpoints',
        brokers: [],
        clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
      }
    }
    const endpoint = cluster.endpointFor(ctx.connection.listenerName)
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      brokers: endpoint ? [{ brokerId: cluster.nodeId, host: endpoint.host, port: endpoint.port, rack: null }] : [],
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
    }
  },
})
