#!/bin/sh
# Installs pictl for use from anywhere: PREFIX/lib/pictl/pictl.jar and the command PREFIX/bin/pictl, with its man
# pages (PREFIX/share/man/man1/pictl*.1) and shell completion (PREFIX/share/bash-completion/completions/pictl,
# which bash-completion loads by itself, and PREFIX/share/pictl/completion.zsh, to source from ~/.zshrc).
#
#   ./install.sh                    PREFIX=/usr/local (needs root: sudo ./install.sh)
#   ./install.sh --prefix ~/.local  for one user (~/.local/bin is on PATH on Debian and Raspberry Pi OS)
#
# It builds target/pictl.jar first when it is missing or older than the sources (Java 17 and Maven 3.8, as for
# ./pictl). The installed command needs only Java 17: it does not look for this checkout any more.
set -eu

usage() {
  echo "usage: install.sh [--prefix DIR]   (default /usr/local)"
}

prefix=/usr/local
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || { usage >&2; exit 2; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
case $prefix in
  /*) ;;
  *) prefix=$(pwd)/$prefix ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
# ./pictl builds the jar when it is missing or stale; `version` does nothing else.
"$here/pictl" version >/dev/null

lib="$prefix/lib/pictl"
bin="$prefix/bin"
mkdir -p "$lib" "$bin"
cp "$here/target/pictl.jar" "$lib/pictl.jar.tmp"
mv -f "$lib/pictl.jar.tmp" "$lib/pictl.jar"

# The start-up archive (docs/architecture.md, "Start-up"): made for the installed jar from the classes ./pictl
# recorded (target/pictl.classlist); the JVM ties it to the jar's path and to this JDK. The installed command
# remakes it when it is older than the jar (or was deleted because the JVM refused it, e.g. after a JDK upgrade)
# and the directory is writable; otherwise it runs without it.
if [ -f "$here/target/pictl.classlist" ]; then
  cp "$here/target/pictl.classlist" "$lib/pictl.classlist.tmp"
  mv -f "$lib/pictl.classlist.tmp" "$lib/pictl.classlist"
  rm -f "$lib/pictl.jsa" "$lib/pictl.jsa.failed"
  java -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$lib/pictl.classlist" \
    -XX:SharedArchiveFile="$lib/pictl.jsa.tmp" -jar "$lib/pictl.jar" >/dev/null 2>&1 \
    && mv -f "$lib/pictl.jsa.tmp" "$lib/pictl.jsa" || rm -f "$lib/pictl.jsa.tmp"
fi

# The jar's directory, single-quoted for sh ('it'\''s').
quoted=$(printf '%s' "$lib" | sed "s/'/'\\\\''/g")
cat >"$bin/pictl.tmp" <<LAUNCHER
#!/bin/sh
# pictl, installed by install.sh. C1 + SerialGC start faster on small machines; CDS log lines are switched off
# because they go to stdout (and would corrupt --json output). No build step and no look at any sources.
lib='$quoted'
if [ ! "\$lib/pictl.jsa" -nt "\$lib/pictl.jar" ] && [ ! "\$lib/pictl.jsa.failed" -nt "\$lib/pictl.jar" ] \\
    && [ -f "\$lib/pictl.classlist" ] && [ -w "\$lib" ]; then
  java -XX:+UseSerialGC \${PICTL_JAVA_OPTS:-} -Xshare:dump -XX:SharedClassListFile="\$lib/pictl.classlist" \\
    -XX:SharedArchiveFile="\$lib/pictl.jsa.\$\$" -jar "\$lib/pictl.jar" >/dev/null 2>&1 </dev/null \\
    && mv -f "\$lib/pictl.jsa.\$\$" "\$lib/pictl.jsa" || { rm -f "\$lib/pictl.jsa.\$\$"; : >"\$lib/pictl.jsa.failed"; }
fi
case " \${PICTL_JAVA_OPTS:-} " in
  *-Xshare*|*SharedArchiveFile*|*ClassList*) ;;
  *) if [ "\$lib/pictl.jsa" -nt "\$lib/pictl.jar" ]; then
       exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off \\
         -XX:SharedArchiveFile="\$lib/pictl.jsa" -Dpictl.cds="\$lib/pictl.jsa" \${PICTL_JAVA_OPTS:-} -jar "\$lib/pictl.jar" "\$@"
     fi ;;
esac
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off \\
  \${PICTL_JAVA_OPTS:-} -jar "\$lib/pictl.jar" "\$@"
LAUNCHER
chmod 755 "$bin/pictl.tmp"
mv -f "$bin/pictl.tmp" "$bin/pictl"

# Man pages (made by every `mvn package` into target/man; made from the jar when an older build lacks them) and shell
# completion for bash and zsh, written by the installed command itself.
man1="$prefix/share/man/man1"
if [ ! -f "$here/target/man/pictl.1" ]; then
  java -cp "$here/target/pictl.jar" dev.pictl.cli.ManPages "$here/target/man"
fi
mkdir -p "$man1"
for page in "$here"/target/man/*.1; do
  cp "$page" "$man1/$(basename "$page").tmp"
  mv -f "$man1/$(basename "$page").tmp" "$man1/$(basename "$page")"
done
bashcomp="$prefix/share/bash-completion/completions"
zshcomp="$prefix/share/pictl"
mkdir -p "$bashcomp" "$zshcomp"
"$bin/pictl" completion bash >"$bashcomp/pictl.tmp" && mv -f "$bashcomp/pictl.tmp" "$bashcomp/pictl"
"$bin/pictl" completion zsh >"$zshcomp/completion.zsh.tmp" && mv -f "$zshcomp/completion.zsh.tmp" "$zshcomp/completion.zsh"

echo "pictl installed: $bin/pictl (jar in $lib; man pages in $man1; bash completion in $bashcomp)"
echo "zsh completion: add this line to ~/.zshrc: source '$zshcomp/completion.zsh'"
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "note: $bin is not on your PATH; add it, e.g. export PATH=\"$bin:\$PATH\"" ;;
esac
