#!/usr/bin/env bash
# Installs the reference server and the real clients the conformance suite runs:
# Apache ZooKeeper 3.8 (zkServer.sh, zkCli.sh, the Java client jar), the C client,
# kazoo, and Apache Curator 5.4 (its recipes run in conformance/curator.test.ts with
# guava and slf4j from /usr/share/java). Debian/Ubuntu only; needs root (or sudo).
set -euo pipefail
packages=(zookeeper zookeeper-bin python3-kazoo default-jdk-headless
  libcurator-recipes-java libcurator-framework-java libcurator-client-java libguava-java libslf4j-java libservlet-api-java)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies already installed: ${packages[*]}"
  exit 0
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
