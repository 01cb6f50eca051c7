#!/bin/bash
# Builds local stand-ins for the four base images the Dockerfile and docker-compose.yml name, for machines that
# cannot reach Docker Hub: Debian 12 root file systems (mmdebstrap) plus files of this machine, imported into
# podman under the official names, so the Dockerfile and the compose file are used unchanged.
#   docker.io/library/node:20-bookworm-slim      this machine's Node 20 (/usr/bin/node, npm) in /usr/local
#   docker.io/library/python:3.11-slim-bookworm  this machine's CPython 3.11 (stdlib only) in /usr/local, pip
#   docker.io/postgis/postgis:15-3.4             Debian's postgresql-15 + postgresql-15-postgis-3 (3.3.2, not 3.4)
#                                                with the official entrypoint and PostGIS init scripts (upstream/)
#   docker.io/library/redis:7-bookworm           Debian's redis-server 7.0 with the official entrypoint
# Usage: build-standins.sh [node] [python] [postgis] [redis] (default: all four, in parallel). Needs root,
# podman, mmdebstrap. Work files and logs go to STANDINS_DIR (default /var/tmp/participation-standins).
# Unlike the real images, the stand-ins trust this machine's extra CAs (/usr/local/share/ca-certificates):
# here PyPI and npm are reached only through an intercepting TLS proxy, and the image build needs them.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
UP="$HERE/upstream"
export CONTAINERS_CONF=${CONTAINERS_CONF:-$HERE/containers.conf}
W=${STANDINS_DIR:-/var/tmp/participation-standins}
PYPREFIX=${PYPREFIX:-$(python3 -c 'import sys; print(sys.base_prefix)')}
mkdir -p "$W/files"
cd "$W"

"$PYPREFIX/bin/python3" -c 'import sys; assert sys.version_info[:2] == (3, 11)' \
    || { echo "the python stand-in needs CPython 3.11 (PYPREFIX=$PYPREFIX)" >&2; exit 1; }
node --version | grep -q '^v20\.' || { echo "the node stand-in needs Node 20 on this machine" >&2; exit 1; }

MIRRORS=("deb http://deb.debian.org/debian bookworm main"
         "deb http://deb.debian.org/debian bookworm-updates main"
         "deb http://deb.debian.org/debian-security bookworm-security main")
# As debian:bookworm-slim: no recommends, man pages, info or docs (but the copyright files).
SLIM=(--variant=minbase --aptopt='APT::Install-Recommends "false"'
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright')
CA_HOOK=true
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$W/files/"
    CA_HOOK='mkdir -p "$1/usr/local/share/ca-certificates" && cp '"$W"'/files/*.crt "$1/usr/local/share/ca-certificates/" && chroot "$1" update-ca-certificates >/dev/null'
fi
# A system user with the official image's uid, before a package's postinst creates it with another.
adduser_hook() { # name uid home shell
    echo "grep -q '^$1:' \"\$1/etc/group\" || echo '$1:x:$2:' >> \"\$1/etc/group\"; grep -q '^$1:' \"\$1/etc/passwd\" || echo '$1:x:$2:$2::$3:$4' >> \"\$1/etc/passwd\""
}
# import_image NAME TAR IMAGE --change…: the root file system becomes the image; the tar is not kept.
import_image() {
    local name=$1 tar=$2 image=$3
    shift 3
    podman import "$@" "$tar" "$image" >>"$name.log" && rm -f "$tar"
}

build_node() {
    mmdebstrap "${SLIM[@]}" --include=ca-certificates --customize-hook="$CA_HOOK" \
        --customize-hook='install -D -m 755 /usr/bin/node "$1/usr/local/bin/node"' \
        --customize-hook='mkdir -p "$1/usr/local/lib/node_modules" && cp -a /usr/lib/node_modules/npm /usr/lib/node_modules/corepack "$1/usr/local/lib/node_modules/"' \
        --customize-hook='cd "$1/usr/local/bin" && ln -s ../lib/node_modules/npm/bin/npm-cli.js npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js npx && ln -s ../lib/node_modules/corepack/dist/corepack.js corepack' \
        --customize-hook='mkdir -p "$1/usr/local/etc" && printf "cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\nupdate-notifier=false\n" > "$1/usr/local/etc/npmrc"' \
        --customize-hook='chroot "$1" groupadd --gid 1000 node && chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
        --customize-hook='chroot "$1" node --version && chroot "$1" npm --version' \
        bookworm node.tar "${MIRRORS[@]}" >node.log 2>&1
    import_image node node.tar docker.io/library/node:20-bookworm-slim \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change "ENV NODE_VERSION=$(node --version | tr -d v)" --change 'CMD ["node"]'
}

build_python() {
    local libs=ca-certificates,netbase,tzdata,libssl3,libsqlite3-0,libffi8,libbz2-1.0,liblzma5,libreadline8,libncursesw6,libuuid1,libnsl2,libexpat1,zlib1g
    mmdebstrap "${SLIM[@]}" --include="$libs" --customize-hook="$CA_HOOK" \
        --customize-hook='printf "[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n" > "$1/etc/pip.conf"' \
        --customize-hook='tar -C '"$PYPREFIX"' --exclude="./lib/python3.11/site-packages/*" --exclude="./lib/python3.11/test" --exclude="./lib/python3.11/idlelib" --exclude="./lib/python3.11/tkinter" --exclude="*/__pycache__" -c ./bin/python3.11 ./bin/python3.11-config ./lib/libpython3.11.so ./lib/libpython3.11.so.1.0 ./lib/libpython3.so ./lib/python3.11 ./lib/pkgconfig ./include/python3.11 | tar -C "$1/usr/local" -x' \
        --customize-hook='cd "$1/usr/local/bin" && ln -s python3.11 python3 && ln -s python3 python && ln -s python3.11-config python3-config && ln -s python3-config python-config' \
        --customize-hook='chroot "$1" ldconfig && chroot "$1" env PIP_ROOT_USER_ACTION=ignore /usr/local/bin/python3 -m ensurepip --default-pip' \
        --customize-hook='chroot "$1" env PIP_ROOT_USER_ACTION=ignore /usr/local/bin/python3 -m pip install --no-cache-dir -U "pip==24.0" "setuptools==65.5.1" "wheel==0.45.1"' \
        --customize-hook='find "$1/usr/local" -depth -type d -name __pycache__ -exec rm -rf {} +; chroot "$1" python3 -c "import ssl, sqlite3, ctypes, lzma, bz2, uuid, readline, zlib, sys; print(sys.version)"' \
        bookworm python.tar "${MIRRORS[@]}" >python.log 2>&1
    import_image python python.tar docker.io/library/python:3.11-slim-bookworm \
        --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'ENV LANG=C.UTF-8' \
        --change "ENV PYTHON_VERSION=$("$PYPREFIX/bin/python3" -c 'import platform; print(platform.python_version())')" \
        --change 'CMD ["python3"]'
}

build_postgis() {
    local f="$W/files"
    cp "$UP/postgres-docker-entrypoint.sh" "$f/docker-entrypoint.sh"
    cp "$UP/postgres-docker-ensure-initdb.sh" "$f/docker-ensure-initdb.sh"
    cp "$UP/postgis-initdb-postgis.sh" "$f/initdb-postgis.sh"
    cp "$UP/postgis-update-postgis.sh" "$f/update-postgis.sh"
    chmod 755 "$f/docker-entrypoint.sh" "$f/docker-ensure-initdb.sh" "$f/update-postgis.sh"
    chmod 644 "$f/initdb-postgis.sh"
    mmdebstrap "${SLIM[@]}" \
        --include=ca-certificates,gosu,locales,libnss-wrapper,xz-utils,zstd,less,postgresql-common,postgresql-15,postgresql-15-postgis-3,postgresql-15-postgis-3-scripts \
        --essential-hook="$(adduser_hook postgres 999 /var/lib/postgresql /bin/bash)" \
        --customize-hook="$CA_HOOK" \
        --customize-hook='chroot "$1" pg_dropcluster 15 main || true; sed -ri "s/#(create_main_cluster) .*$/\1 = false/" "$1/etc/postgresql-common/createcluster.conf"' \
        --customize-hook='echo "en_US.UTF-8 UTF-8" >> "$1/etc/locale.gen" && chroot "$1" locale-gen && chroot "$1" locale -a | grep -q en_US.utf8' \
        --customize-hook='chroot "$1" sh -ec "dpkg-divert --add --rename --divert /usr/share/postgresql/postgresql.conf.sample.dpkg /usr/share/postgresql/15/postgresql.conf.sample; cp /usr/share/postgresql/postgresql.conf.sample.dpkg /usr/share/postgresql/postgresql.conf.sample; ln -s ../postgresql.conf.sample /usr/share/postgresql/15/; sed -ri \"s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '"'"'*'"'"'!\" /usr/share/postgresql/postgresql.conf.sample; grep -F \"listen_addresses = '"'"'*'"'"'\" /usr/share/postgresql/postgresql.conf.sample"' \
        --customize-hook='chroot "$1" sh -ec "install -d -o postgres -g postgres -m 1777 /var/lib/postgresql; install -d -o postgres -g postgres -m 1777 /var/lib/postgresql/data; mkdir -p /docker-entrypoint-initdb.d"' \
        --customize-hook='cp -a '"$f"'/docker-entrypoint.sh '"$f"'/docker-ensure-initdb.sh '"$f"'/update-postgis.sh "$1/usr/local/bin/" && ln -sT docker-ensure-initdb.sh "$1/usr/local/bin/docker-enforce-initdb.sh" && cp -a '"$f"'/initdb-postgis.sh "$1/docker-entrypoint-initdb.d/10_postgis.sh"' \
        --customize-hook='chroot "$1" /usr/lib/postgresql/15/bin/postgres --version; chroot "$1" dpkg-query -W postgresql-15 postgresql-15-postgis-3' \
        bookworm postgis.tar "${MIRRORS[@]}" >postgis.log 2>&1
    # mmdebstrap empties /run after the hooks; the official image has /var/run/postgresql (3777, postgres),
    # which db-replica (user: postgres, so the entrypoint does not create it) needs for its socket lock.
    rm -rf "$W/runfix" && mkdir -p "$W/runfix/run/postgresql" && chmod 3777 "$W/runfix/run/postgresql"
    tar -rf postgis.tar --owner=999 --group=999 --numeric-owner -C "$W/runfix" ./run/postgresql
    import_image postgis postgis.tar docker.io/postgis/postgis:15-3.4 \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin' \
        --change 'ENV PG_MAJOR=15' --change 'ENV LANG=en_US.utf8' --change 'ENV PGDATA=/var/lib/postgresql/data' \
        --change 'VOLUME /var/lib/postgresql/data' --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
        --change 'STOPSIGNAL SIGINT' --change 'EXPOSE 5432' --change 'CMD ["postgres"]'
}

build_redis() {
    local f="$W/files"
    # The official image is compiled with protected mode off (a sed on src/config.c); Debian's build keeps it
    # on, which refuses every client from another container. Same effect, added before the entrypoint's exec:
    sed 's|^exec "\$@"$|if [ "$1" = redis-server ]; then shift; set -- redis-server --protected-mode no "$@"; fi\nexec "$@"|' \
        "$UP/redis-docker-entrypoint.sh" >"$f/redis-entrypoint.sh"
    grep -q -- '--protected-mode no' "$f/redis-entrypoint.sh"
    mmdebstrap "${SLIM[@]}" --include=redis-server,gosu,tzdata \
        --essential-hook="$(adduser_hook redis 999 /var/lib/redis /usr/sbin/nologin)" \
        --customize-hook='install -D -m 755 '"$f"'/redis-entrypoint.sh "$1/usr/local/bin/docker-entrypoint.sh"' \
        --customize-hook='chroot "$1" sh -ec "mkdir /data && chown redis:redis /data; redis-server --version"' \
        bookworm redis.tar "${MIRRORS[@]}" >redis.log 2>&1
    import_image redis redis.tar docker.io/library/redis:7-bookworm \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'WORKDIR /data' --change 'VOLUME /data' --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
        --change 'EXPOSE 6379' --change 'CMD ["redis-server"]'
}

t0=$(date +%s)
pids=()
for b in ${*:-node python postgis redis}; do
    (s=$(date +%s); build_"$b" || { echo "$b: failed, see $W/$b.log" >&2; exit 1; }; echo "$b: $(($(date +%s) - s)) s") &
    pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
echo "stand-ins: $(($(date +%s) - t0)) s"
exit $rc
