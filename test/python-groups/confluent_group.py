"""A confluent-kafka (librdkafka) group member: consumes `expected` records of a topic from its
committed offsets (earliest without one), commits synchronously and leaves.
argv: bootstrap topic group expected
stdout: {"values": [str], "committed": [[partition, offset]]}
"""
import json
import sys
import time

from confluent_kafka import Consumer, TopicPartition

bootstrap, topic, group, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                     "enable.auto.commit": False})
consumer.subscribe([topic])
values = []
deadline = time.time() + 30
while len(values) < expected and time.time() < deadline:
    msg = consumer.poll(0.2)
    if msg is None:
        continue
    if msg.error():
        sys.exit("consume error: %s" % msg.error())
    values.append(msg.value().decode())
consumer.commit(asynchronous=False)
partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
committed = consumer.committed([TopicPartition(topic, p) for p in sorted(partitions)], timeout=10)
consumer.close()
print(json.dumps({"values": values, "committed": [[tp.partition, tp.offset] for tp in committed]}))
