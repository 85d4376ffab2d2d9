#!/usr/bin/env bash
# Builds, on a machine that reaches no image registry, the images docker-compose.yml would pull:
# a JRE base for our services, and stand-ins for Kafka, PostgreSQL and HAProxy made from Debian's
# packages and Maven Central, each honouring its official image's environment and paths. Writes
# deploy/local-images.env, so that
#     docker-compose --env-file deploy/local-images.env up -d --build
# runs the same docker-compose.yml with them. Idempotent: an image whose inputs have not changed
# is kept, so a second run takes seconds.
#
# Needs root (debootstrap, and it installs docker.io, docker-compose and debootstrap when missing,
# and starts dockerd when no engine answers), a JDK and Maven (for Kafka's jars).
set -euo pipefail
cd "$(dirname "$0")/.."
DEPLOY=deploy
WORK=${LOCAL_IMAGES_WORK:-/var/tmp/smsotp-local-images}
SUITE=bookworm
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml | head -1)

log() { echo "local-images: $*"; }

install_missing() {
  local need=()
  command -v docker >/dev/null 2>&1 || need+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  fi
  if ! docker info >/dev/null 2>&1; then
    log "starting dockerd (log in /tmp/dockerd.log)"
    (dockerd > /tmp/dockerd.log 2>&1 &)
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || { echo "local-images: dockerd did not start, see /tmp/dockerd.log" >&2; exit 1; }
  fi
}

# An image whose label holds the hash of its inputs is up to date.
current() { # image hash
  [ "$(docker image inspect -f '{{ index .Config.Labels "io.smsotp.inputs" }}' "$1" 2>/dev/null || true)" = "$2" ]
}

# A Debian root file system with the given packages, imported as an image.
rootfs_image() { # image packages...
  local image=$1; shift
  local packages; packages=$(IFS=,; echo "$*")
  local hash; hash=$(echo "$SUITE $packages v1" | sha256sum | cut -c1-16)
  if current "$image" "$hash"; then log "$image is up to date"; return; fi
  local mirror
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)}
  local root="$WORK/rootfs-${image//[:\/]/-}"
  rm -rf "$root"; mkdir -p "$WORK"
  log "debootstrap $SUITE with $packages (about a minute)"
  # no services start in the chroot, and documentation is not needed in an image
  debootstrap --variant=minbase --include="$packages" "$SUITE" "$root" "$mirror" > "$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; echo "local-images: debootstrap failed, see $root.log" >&2; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
         "$root"/usr/share/man/* "$root"/var/lib/postgresql/15 "$root"/etc/postgresql
  tar -C "$root" -c . | docker import -c "LABEL io.smsotp.inputs=$hash" -c 'CMD ["bash"]' - "$image" >/dev/null
  rm -rf "$root" "$root.log"
  log "built $image"
}

build() { # image context dockerfile build-args...
  local image=$1 context=$2 dockerfile=$3; shift 3
  local hash
  hash=$( { (cd "$context" && find . -type f | LC_ALL=C sort | xargs cat); cat "$dockerfile"; echo "$*";
            docker image inspect -f '{{.Id}}' "local/jre17:$SUITE" "local/servers:$SUITE" 2>/dev/null || true; } \
          | sha256sum | cut -c1-16)
  if current "$image" "$hash"; then log "$image is up to date"; return; fi
  local args=()
  for a in "$@"; do args+=(--build-arg "$a"); done
  docker build -q -t "$image" --label "io.smsotp.inputs=$hash" -f "$dockerfile" "${args[@]}" "$context" \
    > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
  log "built $image"
}

install_missing

# The two Debian bases, made side by side: one for the JVM images, one for the servers.
rootfs_image "local/jre17:$SUITE" openjdk-17-jre-headless ca-certificates libsodium23 &
jre=$!
rootfs_image "local/servers:$SUITE" postgresql-15 haproxy ca-certificates &
servers=$!
wait $jre; wait $servers

# Kafka's own jars, from Maven Central, beside its launch script.
KAFKA_CTX="$WORK/kafka-context"
mkdir -p "$KAFKA_CTX"
cp "$DEPLOY/images/kafka/launch" "$KAFKA_CTX/launch"
if [ ! -f "$KAFKA_CTX/libs/kafka_2.13-$KAFKA_VERSION.jar" ]; then
  rm -rf "$KAFKA_CTX/libs"
  log "collecting Kafka $KAFKA_VERSION jars"
  mvn -B -q -f "$DEPLOY/images/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_CTX/libs"
fi
build "local/kafka:$KAFKA_VERSION" "$KAFKA_CTX" "$DEPLOY/images/kafka/Dockerfile" "BASE_IMAGE=local/jre17:$SUITE"
build "local/postgres:15" "$DEPLOY/images/postgres" "$DEPLOY/images/postgres/Dockerfile" "BASE_IMAGE=local/servers:$SUITE"
build "local/haproxy:2.6" "$DEPLOY/images/haproxy" "$DEPLOY/images/haproxy/Dockerfile" "BASE_IMAGE=local/servers:$SUITE"

cat > "$DEPLOY/local-images.env" <<ENV
# Written by deploy/local-images.sh: the images it built here stand in for the official ones.
BASE_IMAGE=local/jre17:$SUITE
KAFKA_IMAGE=local/kafka:$KAFKA_VERSION
POSTGRES_IMAGE=local/postgres:15
PROXY_IMAGE=local/haproxy:2.6
ENV
log "wrote $DEPLOY/local-images.env; now: docker-compose --env-file $DEPLOY/local-images.env up -d --build"
