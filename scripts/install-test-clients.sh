#!/usr/bin/env bash
# Installs the non-npm Kafka clients the compatibility tests drive: kcat and the Debian Python clients
# (librdkafka through confluent-kafka, and kafka-python), which live under /usr/bin/python3.
set -euo pipefail
if command -v kcat >/dev/null && /usr/bin/python3 -c 'import kafka, confluent_kafka' 2>/dev/null; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq kcat python3-kafka python3-confluent-kafka >/dev/null
