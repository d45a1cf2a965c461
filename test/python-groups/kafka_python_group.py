"""A kafka-python group member with manual commits (it speaks JoinGroup v2, OffsetCommit v2 and
OffsetFetch v1): consumes `expected` records from its committed offsets, commits, and reports.
argv: bootstrap topic group expected
stdout: {"values": [str], "committed": [[partition, offset]]}
"""
import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition

bootstrap, topic, group, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                         auto_offset_reset="earliest", consumer_timeout_ms=30000)
values = []
deadline = time.time() + 30
while len(values) < expected and time.time() < deadline:
    for records in consumer.poll(timeout_ms=200).values():
        values.extend(r.value.decode() for r in records)
consumer.commit()
partitions = sorted(consumer.partitions_for_topic(topic))
committed = [[p, consumer.committed(TopicPartition(topic, p))] for p in partitions]
consumer.close()
print(json.dumps({"values": values, "committed": committed}))
