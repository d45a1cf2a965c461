"""Runs kafka-python KafkaAdminClient operations in order and prints each result.

stdin: {"bootstrap": str, "steps": [
          {"op": "create", "topics": [{"name", "partitions", "replication", "configs"?}], "validateOnly"?},
          {"op": "delete", "topics": [str]}, {"op": "list"}, {"op": "describe", "topics": [str]}]}
stdout: one entry per step: create -> [[topic, error_code]], delete -> [[topic, error_code]]
        ({"error": code} when the client raises, as it does for any error code),
        list -> sorted topic names, describe -> [{"topic", "error_code", "partitions": [[p, leader, replicas, isr]]}]
"""
import json
import sys

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError

args = json.load(sys.stdin)
admin = KafkaAdminClient(bootstrap_servers=args["bootstrap"], request_timeout_ms=10000)


def step_result(step):
    if step["op"] == "create":
        topics = [NewTopic(t["name"], t["partitions"], t["replication"], topic_configs=t.get("configs", {}))
                  for t in step["topics"]]
        response = admin.create_topics(topics, timeout_ms=10000, validate_only=step.get("validateOnly", False))
        return [[e[0], e[1]] for e in response.topic_errors]
    if step["op"] == "delete":
        response = admin.delete_topics(step["topics"], timeout_ms=10000)
        return [[e[0], e[1]] for e in response.topic_error_codes]
    if step["op"] == "list":
        return sorted(admin.list_topics())
    return [{"topic": t["topic"], "error_code": t["error_code"],
             "partitions": sorted([p["partition"], p["leader"], p["replicas"], p["isr"]] for p in t["partitions"])}
            for t in admin.describe_topics(step["topics"])]


out = []
for step in args["steps"]:
    try:
        out.append(step_result(step))
    except KafkaError as e:
        out.append({"error": e.errno})
admin.close()
print(json.dumps(out))
