"""Reads whole topics with kafka-python's KafkaConsumer: assign() without a group, positions from
auto_offset_reset='earliest', and reads until every position reaches end_offsets().

stdin: {"bootstrap": str, "topics": [str], "config": {...}}
stdout: [{"topic", "partition", "offset", "key", "value", "headers", "timestamp", "timestampType"}]
"""
import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition

args = json.load(sys.stdin)
config = {"bootstrap_servers": args["bootstrap"], "group_id": None, "auto_offset_reset": "earliest",
          "enable_auto_commit": False}
config.update(args.get("config", {}))
consumer = KafkaConsumer(**config)
tps = [TopicPartition(t, p) for t in args["topics"] for p in sorted(consumer.partitions_for_topic(t) or [])]
if len(tps) == 0:
    sys.exit("no partitions for %s" % args["topics"])
consumer.assign(tps)
end = consumer.end_offsets(tps)
out = []
deadline = time.time() + 20
while any(consumer.position(tp) < end[tp] for tp in tps) and time.time() < deadline:
    for tp, messages in consumer.poll(timeout_ms=500).items():
        for m in messages:
            out.append({"topic": m.topic, "partition": m.partition, "offset": m.offset,
                        "key": None if m.key is None else m.key.decode(), "value": None if m.value is None else m.value.decode(),
                        "headers": [[k, v.decode()] for k, v in m.headers], "timestamp": m.timestamp,
                        "timestampType": "log-append" if m.timestamp_type == 1 else "create"})
behind = [(tp.topic, tp.partition, consumer.position(tp), end[tp]) for tp in tps if consumer.position(tp) < end[tp]]
consumer.close()
if behind:
    sys.exit("positions short of end_offsets after 20 s: %s" % behind)
print(json.dumps(out))
