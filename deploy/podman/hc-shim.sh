#!/bin/bash
# podman 4.3 runs HEALTHCHECKs from systemd timers; without systemd ("unable to get systemd connection to add
# healthchecks") no check ever runs and every container stays "starting". Stand-in for the timers: run the
# checks of one compose project's running containers every INTERVAL seconds. Usage: hc-shim.sh PROJECT [INTERVAL]
project=${1:?usage: hc-shim.sh PROJECT [INTERVAL]}
while :; do
    for c in $(podman ps -q --filter "label=com.docker.compose.project=$project"); do
        podman healthcheck run "$c" >/dev/null 2>&1 || true
    done
    sleep "${2:-5}"
done
