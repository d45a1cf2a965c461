"""Joins a group with confluent-kafka (librdkafka) subscribe(), reads every assigned partition from
the group's committed offsets to its end, commits synchronously, and reports what it read.

stdin: {"bootstrap", "group", "topic", "partitions": int}
stdout: {"records": [[partition, offset, key, value]], "committed": [[partition, offset]]}
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, TopicPartition

args = json.load(sys.stdin)
consumer = Consumer({"bootstrap.servers": args["bootstrap"], "group.id": args["group"], "enable.auto.commit": False,
                     "enable.partition.eof": True, "auto.offset.reset": "earliest", "fetch.wait.max.ms": 50})
consumer.subscribe([args["topic"]])
pending = set(range(args["partitions"]))
records = []
deadline = time.time() + 25
while pending and time.time() < deadline:
    msg = consumer.poll(0.2)
    if msg is None:
        continue
    if msg.error():
        if msg.error().code() == KafkaError._PARTITION_EOF:
            pending.discard(msg.partition())
            continue
        sys.exit("consume error: %s" % msg.error())
    records.append([msg.partition(), msg.offset(), None if msg.key() is None else msg.key().decode(), msg.value().decode()])
if pending:
    sys.exit("no end of partition for %s within 25 s" % sorted(pending))
consumer.commit(asynchronous=False)
tps = [TopicPartition(args["topic"], p) for p in range(args["partitions"])]
committed = [[tp.partition, tp.offset] for tp in consumer.committed(tps, timeout=10)]
consumer.close()
print(json.dumps({"records": records, "committed": committed}))
