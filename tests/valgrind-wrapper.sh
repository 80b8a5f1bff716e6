#!/bin/sh
# The LOG_COMPILER of tests/: run one test, as it is, or under valgrind
# memcheck when HOOKHOST_TEST_VALGRIND=1 (make check HOOKHOST_TEST_VALGRIND=1):
#
#   - a test program runs as
#       libtool --mode=execute valgrind --leak-check=full \
#           --errors-for-leak-kinds=definite,indirect,possible \
#           --error-exitcode=99 --suppressions=tests/valgrind.supp PROGRAM
#     and the hookhost children it starts through tests/runner.c run under
#     the same valgrind (runner.c reads HOOKHOST_TEST_VALGRIND too);
#   - a shell test (*.sh) runs as it is, with HOOKHOST_BIN pointing to a
#     script that runs the real hookhost under the same valgrind.
#
# Valgrind's findings make the program exit 99, which fails the test; each
# process's report is in the test's log.  Needs HOOKHOST_VALGRIND (valgrind,
# found by configure), HOOKHOST_LIBTOOL and HOOKHOST_TEST_SRCDIR, exported by
# make check.
set -u

if test $# -lt 1; then
    echo "usage: $0 TEST [ARG...]" >&2
    exit 99
fi
case "${HOOKHOST_TEST_VALGRIND:-}" in
'' | 0 | no) exec "$@" ;;
esac

vg=${HOOKHOST_VALGRIND:-valgrind}
if test -z "$vg" || ! command -v "$vg" >/dev/null 2>&1; then
    echo "$0: HOOKHOST_TEST_VALGRIND is set but valgrind is not installed" \
        "(apt-get install valgrind, then configure again)" >&2
    exit 99  # a hard error: a memory check that did not run must not pass
fi
supp=${HOOKHOST_TEST_SRCDIR:-$(dirname "$0")}/valgrind.supp
prog=$1

case "$prog" in
*.sh)
    # The script's hookhost runs under valgrind; the script itself does not.
    real=${HOOKHOST_BIN:?run through make check}
    dir=${HOOKHOST_TEST_BUILDDIR:-.}
    wrapper=$dir/valgrind-hookhost
    tmp=$(mktemp "$dir/valgrind-hookhost.XXXXXX") || exit 99
    cat > "$tmp" <<EOF
#!/bin/sh
# Written by tests/valgrind-wrapper.sh: hookhost under valgrind memcheck.
log=\$(mktemp "$dir/valgrind-hookhost-log.XXXXXX") || exit 99
status=0
"$vg" -q --leak-check=full --show-leak-kinds=definite,indirect,possible \\
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \\
    --num-callers=30 --suppressions="$supp" --log-file="\$log" "$real" "\$@" || status=\$?
if test "\$status" -eq 99; then
    echo "valgrind found errors in hookhost \$*:" >&2
    cat "\$log" >&2
fi
rm -f "\$log"
exit "\$status"
EOF
    chmod 755 "$tmp" && mv -f "$tmp" "$wrapper" || exit 99
    HOOKHOST_BIN=$wrapper
    export HOOKHOST_BIN
    exec "$@"
    ;;
esac

exec ${HOOKHOST_LIBTOOL:-libtool} --mode=execute "$vg" -q --leak-check=full \
    --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    --num-callers=30 --suppressions="$supp" "$@"
