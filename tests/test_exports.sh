#!/bin/sh
# Every shipped plugin exports exactly one symbol, hookhost_plugin_entry; it
# has no undefined reference to the host (or to the host's libraries), only
# to the C library; it needs no library but the C library's; and it was
# linked with BIND_NOW, so a missing symbol shows at load time.
# Needs NM and HOOKHOST_TEST_PLUGIN_DIR (exported by make check).
# Exit status: 0 pass, 1 fail, 77 skip (no nm or readelf).

set -u

: "${NM:=nm}"
dir=${HOOKHOST_TEST_PLUGIN_DIR:?run through make check}
READELF=${READELF:-readelf}
failures=0

# NM may carry flags ("/usr/bin/nm -B"): split it, do not quote.
for tool in "${NM%% *}" "$READELF"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool not found"
        exit 77
    fi
done

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

count=0
for so in "$dir"/*.so; do
    test -f "$so" || continue
    count=$((count + 1))
    name=${so##*/}

    # Defined dynamic symbols: exactly hookhost_plugin_entry, a function.
    defined=$($NM -D --defined-only "$so" | awk 'NF >= 2 { print $(NF-1), $NF }')
    if test "$defined" != "T hookhost_plugin_entry"; then
        fail "$name exports something else than hookhost_plugin_entry:"
        echo "$defined" | sed 's/^/    /'
    fi

    # Built with --enable-sanitizers, the C library's functions are bound to
    # the sanitizer runtime's interceptors, without a GLIBC version.
    sanitized=no
    if $READELF -d "$so" | grep -q 'NEEDED.*\[libasan'; then
        sanitized=yes
    fi

    # Undefined symbols: versioned C library symbols and the toolchain's weak
    # hooks only; nothing of the host, json-c or libltdl.
    bad=$($NM -D --undefined-only "$so" | awk '{ print $NF }' | while read -r sym; do
        base=${sym%%@*}
        case $base in
        hhi_* | hh_* | hookhost_* | json_* | lt_* | lt__* | pu_*)
            echo "undefined reference to the host: $sym" ;;
        _ITM_* | __gmon_start__ | __cxa_finalize | __asan_* | __ubsan_* | __sanitizer_* | __lsan_*)
            ;;
        *)
            case $sym in
            *@GLIBC_* | *@@GLIBC_*) ;;
            *@*) echo "undefined reference outside the C library: $sym" ;;
            *) test "$sanitized" = yes ||
                echo "undefined reference outside the C library: $sym" ;;
            esac
            ;;
        esac
    done)
    if test -n "$bad"; then
        fail "$name has undefined references beyond the C library:"
        echo "$bad" | sed 's/^/    /'
    fi

    dynamic=$($READELF -d "$so")
    # Needed libraries: the C library (and the sanitizers' runtimes when enabled).
    needed=$(echo "$dynamic" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
        grep -v -e '^libc\.so' -e '^ld-linux' -e '^libasan' -e '^libubsan' -e '^libgcc_s' -e '^libm\.so' -e '^libpthread\.so' -e '^libdl\.so')
    if test -n "$needed"; then
        fail "$name needs libraries beyond the C library: $(echo $needed)"
    fi

    # Bound at load time: FLAGS has BIND_NOW or FLAGS_1 has NOW.
    if ! echo "$dynamic" | grep -E -q '\(FLAGS\)[[:space:]].*BIND_NOW|\(FLAGS_1\)[[:space:]].*[[:space:]]NOW'; then
        fail "$name was not linked with -z now (no BIND_NOW in its dynamic section)"
    fi
    echo "checked: $name"
done

if test "$count" -eq 0; then
    fail "no plugin in $dir (was make run?)"
fi
if test "$failures" -ne 0; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "ok: $count plugins export only hookhost_plugin_entry, need only the C library, bind now"
exit 0
