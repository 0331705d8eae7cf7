#!/bin/sh
# k3s install script as served by the pictl simulator for https://get.k3s.io.
# It follows the contract of the real install.sh (k3s-io/k3s): the same environment variables, the same files
# (binary, kubectl/crictl/ctr links, killall and uninstall scripts, systemd unit and 0600 env file), the same
# restart rule (hashes of binary, unit and env file) and the same messages. Downloads are simulated: the
# "binary" is a small wrapper around the simulator's k3s stand-in. Every path is under ${PICTL_ROOT:-}.
set -e

info() { echo '[INFO] ' "$@"; }
warn() { echo '[WARN] ' "$@" >&2; }
fatal() { echo '[ERROR] ' "$@" >&2; exit 1; }

R=${PICTL_ROOT:-}
LIBEXEC=${PICTL_SIM_LIBEXEC:?this install script only works on a pictl simulated node}

quote() {
    for arg in "$@"; do
        printf '%s\n' "$arg" | sed "s/'/'\\\\''/g;1s/^/'/;\$s/\$/' \\\\/"
    done
}
quote_indent() { printf ' \\\n'; for arg in "$@"; do printf '\t%s\n' "$(quote "$arg")"; done; }
escape() { printf '%s' "$@" | sed -e 's/\([][!#$%&()*;<=>?\_`{|}]\)/\\\1/g;'; }
escape_dq() { printf '%s' "$@" | sed -e 's/"/\\"/g'; }

setup_env() {
    case "$1" in
        (-*|"")
            if [ -z "${K3S_URL}" ]; then
                CMD_K3S=server
            else
                if [ -z "${K3S_TOKEN}" ] && [ -z "${K3S_TOKEN_FILE}" ]; then
                    fatal "Defaulted k3s exec command to 'agent' because K3S_URL is defined, but K3S_TOKEN or K3S_TOKEN_FILE is not defined."
                fi
                CMD_K3S=agent
            fi
        ;;
        (*)
            CMD_K3S=$1
            shift
        ;;
    esac
    verify_k3s_url
    CMD_K3S_EXEC="${CMD_K3S}$(quote_indent "$@")"
    if [ -n "${INSTALL_K3S_NAME}" ]; then
        SYSTEM_NAME=k3s-${INSTALL_K3S_NAME}
    else
        if [ "${CMD_K3S}" = server ]; then SYSTEM_NAME=k3s; else SYSTEM_NAME=k3s-${CMD_K3S}; fi
    fi
    valid_chars=$(printf '%s' "${SYSTEM_NAME}" | sed -e 's/[][!#$%&()*;<=>?\_`{|}/[:space:]]/^/g;' )
    if [ "${SYSTEM_NAME}" != "${valid_chars}" ]; then
        invalid_chars=$(printf '%s' "${valid_chars}" | sed -e 's/[^^]/ /g')
        fatal "Invalid characters for system name:
            ${SYSTEM_NAME}
            ${invalid_chars}"
    fi
    if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
    if [ -n "${INSTALL_K3S_TYPE}" ]; then SYSTEMD_TYPE=${INSTALL_K3S_TYPE}; else SYSTEMD_TYPE=notify; fi
    BIN_DIR=${INSTALL_K3S_BIN_DIR:-/usr/local/bin}
    if ! $SUDO sh -c "touch \"$R${BIN_DIR}/k3s-ro-test\" && rm -rf \"$R${BIN_DIR}/k3s-ro-test\"" 2>/dev/null; then
        if [ -d "$R/opt/bin" ]; then BIN_DIR=/opt/bin; fi
    fi
    SYSTEMD_DIR=${INSTALL_K3S_SYSTEMD_DIR:-/etc/systemd/system}
    SERVICE_K3S=${SYSTEM_NAME}.service
    UNINSTALL_K3S_SH=${UNINSTALL_K3S_SH:-${BIN_DIR}/${SYSTEM_NAME}-uninstall.sh}
    KILLALL_K3S_SH=${KILLALL_K3S_SH:-${BIN_DIR}/k3s-killall.sh}
    FILE_K3S_SERVICE=${SYSTEMD_DIR}/${SERVICE_K3S}
    FILE_K3S_ENV=${SYSTEMD_DIR}/${SERVICE_K3S}.env
    PRE_INSTALL_HASHES=$(get_installed_hashes)
    if [ "${INSTALL_K3S_BIN_DIR_READ_ONLY}" = true ]; then
        INSTALL_K3S_SKIP_DOWNLOAD=true
        INSTALL_K3S_SYMLINK=skip
    fi
}

verify_k3s_url() {
    case "${K3S_URL}" in
        "") ;;
        https://*) ;;
        *) fatal "Only https:// URLs are supported for K3S_URL (have ${K3S_URL})" ;;
    esac
}

can_skip_download_binary() {
    if [ "${INSTALL_K3S_SKIP_DOWNLOAD}" != true ] && [ "${INSTALL_K3S_SKIP_DOWNLOAD}" != binary ]; then return 1; fi
}

verify_k3s_is_executable() {
    if [ ! -x "$R${BIN_DIR}/k3s" ]; then fatal "Executable k3s binary not found at ${BIN_DIR}/k3s"; fi
}

setup_verify_arch() {
    if [ -z "$ARCH" ]; then ARCH=$(uname -m); fi
    case $ARCH in
        amd64|x86_64) ARCH=amd64; SUFFIX= ;;
        arm64|aarch64) ARCH=arm64; SUFFIX=-${ARCH} ;;
        s390x) ARCH=s390x; SUFFIX=-${ARCH} ;;
        arm*) ARCH=arm; SUFFIX=-${ARCH}hf ;;
        *) fatal "Unsupported architecture $ARCH" ;;
    esac
}

get_release_version() {
    if [ -n "${INSTALL_K3S_COMMIT}" ]; then
        VERSION_K3S="commit ${INSTALL_K3S_COMMIT}"
    elif [ -n "${INSTALL_K3S_VERSION}" ]; then
        VERSION_K3S=${INSTALL_K3S_VERSION}
    else
        info "Finding release for channel ${INSTALL_K3S_CHANNEL:-stable}"
        VERSION_K3S=${PICTL_SIM_K3S_STABLE:-v1.31.4+k3s1}
    fi
    info "Using ${VERSION_K3S} as release"
}

download_and_verify() {
    if can_skip_download_binary; then
        info 'Skipping k3s download and verify'
        verify_k3s_is_executable
        return
    fi
    setup_verify_arch
    get_release_version
    case ${VERSION_K3S} in
        v1.[0-9]*.[0-9]*+k3s[0-9]*|v1.[0-9]*.[0-9]*-rc[0-9]*+k3s[0-9]*) ;;
        *) fatal "Download failed: https://github.com/k3s-io/k3s/releases/download/${VERSION_K3S}/sha256sum-${ARCH}.txt (404 Not Found)" ;;
    esac
    new_binary=$(printf '#!/bin/sh\n# k3s %s (%s), simulated by pictl\nPICTL_K3S_VERSION='"'"'%s'"'"' PICTL_SIM_ARGV0="${0##*/}" exec "%s/k3s" "$@"\n' "${VERSION_K3S}" "${ARCH}" "${VERSION_K3S}" "${LIBEXEC}")
    if [ -x "$R${BIN_DIR}/k3s" ] && [ "$(cat "$R${BIN_DIR}/k3s")" = "$new_binary" ]; then
        info 'Skipping binary downloaded, installed k3s matches hash'
        return
    fi
    info "Downloading hash https://github.com/k3s-io/k3s/releases/download/${VERSION_K3S}/sha256sum-${ARCH}.txt"
    info "Downloading binary https://github.com/k3s-io/k3s/releases/download/${VERSION_K3S}/k3s${SUFFIX}"
    info "Verifying binary download"
    info "Installing k3s to ${BIN_DIR}/k3s"
    tmp=$(mktemp "${TMPDIR:-/tmp}/k3s-bin.XXXXXX")
    printf '%s\n' "$new_binary" > "$tmp"
    $SUDO mkdir -p "$R${BIN_DIR}"
    $SUDO chmod 755 "$tmp"
    $SUDO mv -f "$tmp" "$R${BIN_DIR}/k3s"
}

create_symlinks() {
    [ "${INSTALL_K3S_BIN_DIR_READ_ONLY}" = true ] && return
    [ "${INSTALL_K3S_SYMLINK}" = skip ] && return
    for cmd in kubectl crictl ctr; do
        if [ ! -e "$R${BIN_DIR}/${cmd}" ] || [ "${INSTALL_K3S_SYMLINK}" = force ]; then
            which_cmd=$(command -v ${cmd} 2>/dev/null || true)
            if [ -z "${which_cmd}" ] || [ "${INSTALL_K3S_SYMLINK}" = force ]; then
                info "Creating ${BIN_DIR}/${cmd} symlink to k3s"
                $SUDO ln -sf k3s "$R${BIN_DIR}/${cmd}"
            else
                info "Skipping ${BIN_DIR}/${cmd} symlink to k3s, command exists in PATH at ${which_cmd}"
            fi
        else
            info "Skipping ${BIN_DIR}/${cmd} symlink to k3s, already exists"
        fi
    done
}

create_killall() {
    [ "${INSTALL_K3S_BIN_DIR_READ_ONLY}" = true ] && return
    info "Creating killall script ${KILLALL_K3S_SH}"
    $SUDO tee "$R${KILLALL_K3S_SH}" >/dev/null << \EOF2
#!/bin/sh
[ $(id -u) -eq 0 ] || exec sudo $0 $@
# pictl simulator: stops every k3s unit; the simulated units have no containers, mounts or iptables rules.
for service in "${PICTL_ROOT:-}"/etc/systemd/system/k3s*.service; do
    [ -s "$service" ] && systemctl stop "$(basename "$service")"
done
rm -rf "${PICTL_ROOT:-}/run/k3s" "${PICTL_ROOT:-}/run/flannel" "${PICTL_ROOT:-}/var/lib/cni"
exit 0
EOF2
    $SUDO chmod 755 "$R${KILLALL_K3S_SH}"
    $SUDO chown root:root "$R${KILLALL_K3S_SH}" 2>/dev/null || true
}

create_uninstall() {
    [ "${INSTALL_K3S_BIN_DIR_READ_ONLY}" = true ] && return
    info "Creating uninstall script ${UNINSTALL_K3S_SH}"
    $SUDO tee "$R${UNINSTALL_K3S_SH}" >/dev/null << EOF2
#!/bin/sh
[ \$(id -u) -eq 0 ] || exec sudo \$0 \$@
R=\${PICTL_ROOT:-}
"\$R${KILLALL_K3S_SH}"

if command -v systemctl >/dev/null; then
    systemctl disable ${SYSTEM_NAME} >/dev/null 2>&1
    systemctl reset-failed ${SYSTEM_NAME} >/dev/null 2>&1
    systemctl daemon-reload
fi

rm -f "\$R${FILE_K3S_SERVICE}"
rm -f "\$R${FILE_K3S_ENV}"

remove_uninstall() {
    rm -f "\$R${UNINSTALL_K3S_SH}"
}
trap remove_uninstall EXIT

if (ls "\$R${SYSTEMD_DIR}"/k3s*.service || ls "\$R"/etc/init.d/k3s*) >/dev/null 2>&1; then
    echo 'Additional k3s services installed, skipping uninstall of k3s'
    exit
fi

for cmd in kubectl crictl ctr; do
    if [ -L "\$R${BIN_DIR}/\$cmd" ]; then
        rm -f "\$R${BIN_DIR}/\$cmd"
    fi
done

rm -rf "\$R/etc/rancher/k3s"
rm -rf "\$R/run/k3s"
rm -rf "\$R/run/flannel"
rm -rf "\$R/var/lib/rancher/k3s"
rm -rf "\$R/var/lib/kubelet"
rm -f "\$R${BIN_DIR}/k3s"
rm -f "\$R${KILLALL_K3S_SH}"
EOF2
    $SUDO chmod 755 "$R${UNINSTALL_K3S_SH}"
}

systemd_disable() {
    $SUDO systemctl disable ${SYSTEM_NAME} >/dev/null 2>&1 || true
    $SUDO rm -f "$R/etc/systemd/system/${SERVICE_K3S}" || true
    $SUDO rm -f "$R/etc/systemd/system/${SERVICE_K3S}.env" || true
}

create_env_file() {
    info "env: Creating environment file ${FILE_K3S_ENV}"
    $SUDO mkdir -p "$R${SYSTEMD_DIR}"
    $SUDO touch "$R${FILE_K3S_ENV}"
    $SUDO chmod 0600 "$R${FILE_K3S_ENV}"
    sh -c export | while read x v; do echo $v; done | grep -E '^(K3S|CONTAINERD)_' | $SUDO tee "$R${FILE_K3S_ENV}" >/dev/null
    sh -c export | while read x v; do echo $v; done | grep -Ei '^(NO|HTTP|HTTPS)_PROXY' | $SUDO tee -a "$R${FILE_K3S_ENV}" >/dev/null
}

create_systemd_service_file() {
    info "systemd: Creating service file ${FILE_K3S_SERVICE}"
    $SUDO tee "$R${FILE_K3S_SERVICE}" >/dev/null << EOF2
[Unit]
Description=Lightweight Kubernetes
Documentation=https://k3s.io
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=${SYSTEMD_TYPE}
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-${FILE_K3S_ENV}
KillMode=process
Delegate=yes
User=root
# Having non-zero Limit*s causes performance problems due to accounting overhead
# in the kernel. We recommend using cgroups to do container-local accounting.
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=/bin/sh -xc '! /usr/bin/systemctl is-enabled --quiet nm-cloud-setup.service 2>/dev/null'
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=${BIN_DIR}/k3s \\
    ${CMD_K3S_EXEC}

EOF2
}

get_installed_hashes() {
    $SUDO sha256sum "$R${BIN_DIR}/k3s" "$R${FILE_K3S_SERVICE}" "$R${FILE_K3S_ENV}" 2>&1 || true
}

systemd_enable() {
    info "systemd: Enabling ${SYSTEM_NAME} unit"
    $SUDO systemctl enable "$R${FILE_K3S_SERVICE}" >/dev/null
    $SUDO systemctl daemon-reload >/dev/null
}

systemd_start() {
    info "systemd: Starting ${SYSTEM_NAME}"
    $SUDO systemctl restart ${SYSTEM_NAME}
}

service_enable_and_start() {
    if ! grep -qs memory "$R/sys/fs/cgroup/cgroup.controllers" && [ "$(grep -s memory "$R/proc/cgroups" | while read -r n n n enabled; do echo $enabled; done)" != "1" ]; then
        info 'Failed to find memory cgroup, you may need to add "cgroup_memory=1 cgroup_enable=memory" to your linux cmdline (/boot/cmdline.txt on a Raspberry Pi)'
    fi
    [ "${INSTALL_K3S_SKIP_ENABLE}" = true ] && return
    systemd_enable
    [ "${INSTALL_K3S_SKIP_START}" = true ] && return
    POST_INSTALL_HASHES=$(get_installed_hashes)
    if [ "${PRE_INSTALL_HASHES}" = "${POST_INSTALL_HASHES}" ] && [ "${INSTALL_K3S_FORCE_RESTART}" != true ]; then
        info 'No change detected so skipping service start'
        return
    fi
    systemd_start
    return 0
}

eval set -- $(escape "${INSTALL_K3S_EXEC}") $(quote "$@")

{
    setup_env "$@"
    download_and_verify
    create_symlinks
    create_killall
    create_uninstall
    systemd_disable
    create_env_file
    create_systemd_service_file
    service_enable_and_start
}
