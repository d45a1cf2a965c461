"""kafka-python KafkaConsumer positioning on one partition, without a group: beginning/end
offsets, seek_to_end then tail what another client produces, seek_to_beginning, seek(n), and
offsets_for_times (ListOffsets by timestamp).

stdin: {"bootstrap", "topic", "partition", "tail": int, "seekTo": int, "timestamp": int}
stdout: a line "ready <position>" once positioned at the end (the test then produces `tail`
        records), then one JSON line with every result.
"""
import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition

args = json.load(sys.stdin)
tp = TopicPartition(args["topic"], args["partition"])
consumer = KafkaConsumer(bootstrap_servers=args["bootstrap"], group_id=None, auto_offset_reset="earliest",
                         enable_auto_commit=False, fetch_max_wait_ms=50)
consumer.assign([tp])


def read(count):
    got = []
    deadline = time.time() + 20
    while len(got) < count and time.time() < deadline:
        for m in consumer.poll(timeout_ms=200, max_records=count - len(got)).get(tp, []):
            got.append([m.offset, None if m.key is None else m.key.decode(), m.value.decode()])
    return got


result = {"beginning": consumer.beginning_offsets([tp])[tp], "end": consumer.end_offsets([tp])[tp]}
consumer.seek_to_end(tp)
print("ready %d" % consumer.position(tp), flush=True)
result["tailed"] = read(args["tail"])
consumer.seek_to_beginning(tp)
result["fromBeginning"] = read(result["end"] + args["tail"])
consumer.seek(tp, args["seekTo"])
result["fromSeek"] = read(2)
found = consumer.offsets_for_times({tp: args["timestamp"]})[tp]
result["forTime"] = None if found is None else [found.offset, found.timestamp]
result["endAfter"] = consumer.end_offsets([tp])[tp]
consumer.close()
print(json.dumps(result))
