"""confluent-kafka (librdkafka) transactional producer scenarios. stdin: JSON
{"scenario", "bootstrap", "topic", "transactional_id", ...}; stdout: one JSON object.

commit_abort   commit 3 records, abort 2, commit 1 (values c1 c2 c3 / a1 a2 / c4)
send_offsets   produce "out" and send {"group", "input", "offset"} in a transaction; commit
fencing        a second producer with the same transactional.id fences the first mid-transaction
timeout        a transaction outlives transaction.timeout.ms and is aborted by the broker
bad_timeout    transaction.timeout.ms above the broker's transaction.max.timeout.ms
consume        reads partition 0 of "topic" from the start with "isolation" until "expected" values
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

args = json.load(sys.stdin)
bootstrap, topic, txn_id = args["bootstrap"], args.get("topic"), args["transactional_id"]


def producer(**extra):
    conf = {"bootstrap.servers": bootstrap, "transactional.id": txn_id, "linger.ms": 0}
    conf.update(extra)
    return Producer(conf)


def send(p, values):
    for v in values:
        p.produce(topic, value=v.encode(), partition=0)
    p.flush(10)


def error_of(fn):
    try:
        fn()
        return None
    except KafkaException as e:
        err = e.args[0]
        return {"name": err.name(), "fatal": err.fatal(), "abortable": err.txn_requires_abort()}


scenario = args["scenario"]
if scenario == "commit_abort":
    p = producer()
    p.init_transactions(10)
    p.begin_transaction()
    send(p, ["c1", "c2", "c3"])
    p.commit_transaction(10)
    p.begin_transaction()
    send(p, ["a1", "a2"])
    p.abort_transaction(10)
    p.begin_transaction()
    send(p, ["c4"])
    p.commit_transaction(10)
    print(json.dumps({"ok": True}))
elif scenario == "send_offsets":
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": args["group"], "enable.auto.commit": False})
    p = producer()
    p.init_transactions(10)
    p.begin_transaction()
    send(p, ["out"])
    offsets = [TopicPartition(args["input"], 0, args["offset"])]
    p.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata(), 10)
    p.commit_transaction(10)
    committed = consumer.committed([TopicPartition(args["input"], 0)], timeout=10)
    consumer.close()
    print(json.dumps({"committed": committed[0].offset}))
elif scenario == "fencing":
    first = producer()
    first.init_transactions(10)
    first.begin_transaction()
    send(first, ["old"])
    second = producer()
    second.init_transactions(10)
    second.begin_transaction()
    send(second, ["new"])
    second.commit_transaction(10)
    print(json.dumps({"first": error_of(lambda: first.commit_transaction(10))}))
elif scenario == "timeout":
    p = producer(**{"transaction.timeout.ms": args["timeout_ms"]})
    p.init_transactions(10)
    p.begin_transaction()
    send(p, ["expired"])
    time.sleep(args["wait_s"])
    print(json.dumps({"commit": error_of(lambda: p.commit_transaction(10))}))
elif scenario == "bad_timeout":
    p = producer(**{"transaction.timeout.ms": args["timeout_ms"]})
    print(json.dumps({"init": error_of(lambda: p.init_transactions(10))}))
elif scenario == "consume":
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": txn_id, "isolation.level": args["isolation"],
                         "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    consumer.assign([TopicPartition(topic, 0, 0)])
    values = []
    deadline = time.time() + 20
    while len(values) < args["expected"] and time.time() < deadline:
        msg = consumer.poll(0.2)
        if msg is not None and not msg.error():
            values.append(msg.value().decode())
    # Anything more (an aborted record) would arrive within this extra poll.
    msg = consumer.poll(0.5)
    if msg is not None and not msg.error():
        values.append(msg.value().decode())
    consumer.close()
    print(json.dumps({"values": values}))
else:
    sys.exit("unknown scenario " + scenario)
