"""A confluent-kafka static group member (group.instance.id). Prints a JSON line per assignment
callback ({"event": "assign"|"revoke", "partitions": [int]}). With `once` it exits after its
first assignment without leaving the group (static members do not send LeaveGroup on close);
otherwise it runs until stdin closes.
argv: bootstrap topic group instance-id once|forever
"""
import json
import sys
import threading

from confluent_kafka import Consumer

bootstrap, topic, group, instance, mode = sys.argv[1:6]
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "group.instance.id": instance,
                     "session.timeout.ms": 10000, "heartbeat.interval.ms": 500, "auto.offset.reset": "earliest"})
assigned = threading.Event()


def report(event):
    def callback(_consumer, partitions):
        print(json.dumps({"event": event, "partitions": sorted(tp.partition for tp in partitions)}), flush=True)
        if event == "assign" and partitions:
            assigned.set()
    return callback


consumer.subscribe([topic], on_assign=report("assign"), on_revoke=report("revoke"))
stop = threading.Event()
if mode != "once":
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
while not stop.is_set() and not (mode == "once" and assigned.is_set()):
    msg = consumer.poll(0.1)
    if msg is not None and msg.error():
        sys.exit("consume error: %s" % msg.error())
consumer.close()
