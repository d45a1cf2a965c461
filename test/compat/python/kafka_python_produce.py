"""Produces with kafka-python and prints the record metadata of every send, in input order.

stdin: {"bootstrap": str, "config": {...}, "jobs": [{"topic", "codec", "acks"?, "records": [
        {"partition"?, "key", "value", "headers": [[k, v]], "timestamp"?}]}]}
stdout: [{"topic", "partition", "offset", "logAppendTime"?}] per record; logAppendTime is -1 for CreateTime.
"""
import json
import sys

from kafka import KafkaProducer

args = json.load(sys.stdin)
reports = []
for job in args["jobs"]:
    config = {"bootstrap_servers": args["bootstrap"], "acks": job.get("acks", "all"), "linger_ms": 20,
              "compression_type": None if job["codec"] == "none" else job["codec"]}
    config.update(args.get("config", {}))
    producer = KafkaProducer(**config)
    futures = [producer.send(job["topic"], partition=r.get("partition"),
                             key=None if r["key"] is None else r["key"].encode(), value=None if r["value"] is None else r["value"].encode(),
                             headers=[(k, v.encode()) for k, v in r["headers"]], timestamp_ms=r.get("timestamp"))
               for r in job["records"]]
    producer.flush(20)
    for r, f in zip(job["records"], futures):
        m = f.get(timeout=20)
        report = {"topic": m.topic, "partition": m.partition, "offset": m.offset}
        # kafka-python gives the response's LogAppendTime when there is one, else the record's own
        # timestamp: only a record sent with a set timestamp tells them apart.
        if "timestamp" in r:
            report["logAppendTime"] = -1 if m.timestamp == r["timestamp"] else m.timestamp
        reports.append(report)
    producer.close(10)
print(json.dumps(reports))
