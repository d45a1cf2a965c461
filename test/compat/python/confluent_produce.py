"""Produces with confluent-kafka (librdkafka) and prints one delivery report per record, in input order.

stdin: {"bootstrap": str, "config": {...}, "jobs": [{"topic", "codec", "acks"?, "records": [
        {"partition", "key", "value", "headers": [[k, v]], "timestamp"?}]}]}
stdout: [{"topic", "partition", "offset", "logAppendTime" (-1 for CreateTime), "error": str|null}] per record.
"""
import json
import sys

from confluent_kafka import TIMESTAMP_LOG_APPEND_TIME, Producer

args = json.load(sys.stdin)
reports = []
producers = []
for job in args["jobs"]:
    config = {"bootstrap.servers": args["bootstrap"], "compression.type": job["codec"], "acks": job.get("acks", "all"), "linger.ms": 20}
    config.update(args.get("config", {}))
    producer = Producer(config)
    first = len(reports)
    reports.extend([None] * len(job["records"]))

    def report(index):
        def on_delivery(err, msg):
            ts_type, ts = msg.timestamp()
            reports[index] = {"topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
                              "logAppendTime": ts if ts_type == TIMESTAMP_LOG_APPEND_TIME else -1,
                              "error": None if err is None else str(err)}
        return on_delivery

    for i, r in enumerate(job["records"]):
        extra = {"timestamp": r["timestamp"]} if "timestamp" in r else {}
        producer.produce(job["topic"], partition=r["partition"],
                         key=None if r["key"] is None else r["key"].encode(), value=None if r["value"] is None else r["value"].encode(),
                         headers=[(k, v.encode()) for k, v in r["headers"]], on_delivery=report(first + i), **extra)
        producer.poll(0)
    producers.append(producer)
# One producer per codec; all linger at once, then each is flushed.
for producer in producers:
    if producer.flush(20) != 0:
        sys.exit("messages still in flight after 20 s")
print(json.dumps(reports))
