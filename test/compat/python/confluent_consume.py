"""Reads whole topics with a confluent-kafka (librdkafka) Consumer, without joining a group.

librdkafka requires group.id, but assign() with explicit offsets needs no coordinator: the
group sub-system keeps looking for one in the background while the partitions are fetched.
stdin: {"bootstrap": str, "topics": [str], "config": {...}}
stdout: [{"topic", "partition", "offset", "key", "value", "headers", "timestamp", "timestampType"}]
"""
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, TIMESTAMP_LOG_APPEND_TIME, Consumer, KafkaError, TopicPartition

args = json.load(sys.stdin)
config = {"bootstrap.servers": args["bootstrap"], "group.id": "brook-compat-assign-only",
          "enable.auto.commit": False, "enable.partition.eof": True}
config.update(args.get("config", {}))
consumer = Consumer(config)
metadata = consumer.list_topics(timeout=10)
assignment = [TopicPartition(t, p, OFFSET_BEGINNING) for t in args["topics"] for p in sorted(metadata.topics[t].partitions)]
consumer.assign(assignment)
pending = {(tp.topic, tp.partition) for tp in assignment}
out = []
deadline = time.time() + 20
while pending and time.time() < deadline:
    msg = consumer.poll(0.5)
    if msg is None:
        continue
    if msg.error():
        if msg.error().code() == KafkaError._PARTITION_EOF:
            pending.discard((msg.topic(), msg.partition()))
            continue
        sys.exit("consume error: %s" % msg.error())
    ts_type, ts = msg.timestamp()
    out.append({"topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
                "key": None if msg.key() is None else msg.key().decode(), "value": None if msg.value() is None else msg.value().decode(),
                "headers": [[k, v.decode()] for k, v in (msg.headers() or [])], "timestamp": ts,
                "timestampType": "log-append" if ts_type == TIMESTAMP_LOG_APPEND_TIME else "create"})
consumer.close()
if pending:
    sys.exit("no end of partition for %s within 20 s" % sorted(pending))
print(json.dumps(out))
