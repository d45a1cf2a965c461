"""Commits offsets for a group with kafka-python, without joining it (assign(), OffsetCommit with
no generation, as Kafka allows for a group without members), and reads them back.

stdin: {"bootstrap", "group", "topic", "offsets": {partition: offset}, "metadata": str}
       or {"bootstrap", "group", "topic", "partitions": [int]} to only read the commits back.
stdout: {"committed": [[partition, offset]]} as committed() reads them back (OffsetFetch).
"""
import json
import sys

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

args = json.load(sys.stdin)
consumer = KafkaConsumer(bootstrap_servers=args["bootstrap"], group_id=args["group"], enable_auto_commit=False)
offsets = args.get("offsets", {})
tps = {int(p): TopicPartition(args["topic"], int(p)) for p in args.get("partitions", offsets.keys())}
consumer.assign(list(tps.values()))
if offsets:
    consumer.commit({tps[int(p)]: OffsetAndMetadata(o, args["metadata"]) for p, o in offsets.items()})
print(json.dumps({"committed": [[p, consumer.committed(tp)] for p, tp in sorted(tps.items())]}))
consumer.close(autocommit=False)
