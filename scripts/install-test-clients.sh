#!/usr/bin/env bash
# Installs the non-npm Kafka clients the compatibility tests drive: kcat and the Debian Python clients
# (librdkafka through confluent-kafka, and kafka-python with the codec modules it needs for snappy,
# lz4 and zstd), which live under /usr/bin/python3.
set -euo pipefail
if command -v kcat >/dev/null && /usr/bin/python3 -c 'import kafka, confluent_kafka, snappy, lz4, zstandard' 2>/dev/null; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq kcat python3-kafka python3-confluent-kafka \
  python3-snappy python3-lz4 python3-zstandard >/dev/null
