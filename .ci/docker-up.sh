#!/usr/bin/env bash
# .ci/docker-up.sh: install and start a real Docker engine for the tests that need one, and build
# the registry-free test image `local/busybox:test` (busybox plus root, app (1000) and nobody
# users). Source it: `source .ci/docker-up.sh`; `docker_down` stops only the daemon it started.
# See shared/notes/runtime-on-these-machines.md: Debian's docker.io 20.10 starts in about a
# second on these machines and no registry is reachable, so the image is imported from a tarball.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
TEST_IMAGE=${TEST_IMAGE:-local/busybox:test}
_sudo=""
[[ $(id -u) -eq 0 ]] || _sudo=sudo
if [ ! -x /usr/sbin/dockerd ] || [ ! -x /bin/busybox ]; then
    $_sudo apt-get update -qq
    $_sudo apt-get install -y -qq --no-install-recommends docker.io busybox-static >/dev/null
fi
# The pid file belongs to the shell that sourced this script, so `docker_down` in another run
# (a second .ci/run on a shared machine) never stops a daemon this one did not start.
_dockerd_pid_file=/tmp/dockerd.ci.$$.pid
if ! docker info >/dev/null 2>&1; then
    $_sudo sh -c "nohup /usr/sbin/dockerd >/tmp/dockerd.log 2>&1 & echo \$! > $_dockerd_pid_file"
    for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null || { tail -50 /tmp/dockerd.log; exit 1; }
fi
docker_down() {
    local p
    p=$(cat "$_dockerd_pid_file" 2>/dev/null || true)
    [ -n "$p" ] || return 0
    docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1 || true
    $_sudo kill -TERM "$p" 2>/dev/null || true
    while kill -0 "$p" 2>/dev/null; do sleep 0.2; done
    rm -f "$_dockerd_pid_file"
}
if ! docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
    R=$(mktemp -d)
    mkdir -p "$R"/{bin,etc,tmp,proc,sys,dev,root,home/app}
    chmod 1777 "$R/tmp"
    cp /bin/busybox "$R/bin/busybox"
    for a in $("$R/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done
    printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$R/etc/passwd"
    printf 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n' >"$R/etc/group"
    chown 1000:1000 "$R/home/app"
    tar -C "$R" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - "$TEST_IMAGE" >/dev/null
    rm -rf "$R"
fi
