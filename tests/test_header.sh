#!/bin/sh
# The plugin ABI header compiles alone as C99, C11 and C++ (98, 11, 17) with
# -pedantic -Werror, defines a plugin in C++ too, and a program built with
# it prints the sizes its static assertions pin.
# Needs CC, CXX and HOOKHOST_TEST_TOP_SRCDIR (exported by make check).
# Exit status: 0 pass, 1 fail, 77 skip (no C compiler).

set -u

: "${CC:=cc}"
: "${CXX:=c++}"
top=${HOOKHOST_TEST_TOP_SRCDIR:?run through make check}
api="$top/plugin-api"
header="$api/hookhost/plugin.h"
failures=0

# CC and CXX may carry flags ("gcc -m64"): split them, do not quote.
if ! command -v ${CC%% *} >/dev/null 2>&1; then
    echo "SKIP: no C compiler ($CC)"
    exit 77
fi
test -f "$header" || { echo "FAIL: $header is missing"; exit 1; }

work=$(mktemp -d "${HOOKHOST_TEST_BUILDDIR:-${TMPDIR:-/tmp}}/header.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

check() { # description command...
    what=$1
    shift
    if "$@" >"$work/log" 2>&1; then
        echo "ok: $what"
    else
        echo "FAIL: $what"
        sed 's/^/    /' "$work/log"
        failures=$((failures + 1))
    fi
}

warn="-pedantic -Wall -Wextra -Werror"

# The header alone, as the only thing in a translation unit.
for std in c99 c11; do
    check "plugin.h alone as $std" $CC -std=$std $warn -fsyntax-only -x c "$header"
    check "plugin.h in a $std file, -Wstrict-prototypes -Wundef -Wcast-align" \
        $CC -std=$std $warn -Wstrict-prototypes -Wmissing-prototypes -Wundef -Wcast-align \
        -Wshadow -fsyntax-only -I"$api" -x c - <<EOF2
#include <hookhost/plugin.h>
#include <hookhost/plugin.h> /* the include guard holds */
EOF2
done

# A C++ plugin: the header is extern "C", the macros work.
cat >"$work/plugin.cc" <<'EOF2'
#include <hookhost/plugin.h>

static void HH_CALL cxx_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct hh_host_api *host = static_cast<const struct hh_host_api *>(instance);

    (void)req;
    host->set_result(ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, 0, 0);
}

static const char *const targets[] = { "*" };
static const struct hh_handler handlers[] = {
    { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, targets, 1 },
};
static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin), "Test::Cxx::Plugin", "1.0.0", "C++", HH_FAILURE_MODE_FAIL,
    0u, 0, handlers, 1, sizeof(struct hh_handler), 0, 0, cxx_invoke, 0,
};

HH_PLUGIN_DEFINE(descriptor)
EOF2
if command -v ${CXX%% *} >/dev/null 2>&1; then
    for std in c++98 c++11 c++17; do
        check "plugin.h alone as $std" $CXX -std=$std $warn -fsyntax-only -x c++ "$header"
        check "a plugin in $std" $CXX -std=$std $warn -fsyntax-only -I"$api" "$work/plugin.cc"
    done
else
    echo "skipped: C++ checks (no C++ compiler: $CXX)"
fi

# Built and run: the sizes the static assertions pin, and that they held.
cat >"$work/sizes.c" <<'EOF2'
#include <stdio.h>

#include <hookhost/plugin.h>

#define SHOW(T) printf("%s %u\n", #T, (unsigned)sizeof(struct T))

int main(void)
{
    SHOW(hh_abi);
    SHOW(hh_value);
    SHOW(hh_annotation);
    SHOW(hh_request);
    SHOW(hh_instance_args);
    SHOW(hh_handler);
    SHOW(hh_plugin);
    SHOW(hh_host_api);
    printf("abi %d.%d\n", HH_ABI_MAJOR, HH_ABI_MINOR);
    return 0;
}
EOF2
check "a C11 program including plugin.h builds" \
    $CC -std=c11 $warn -I"$api" -o "$work/sizes" "$work/sizes.c"
if test -x "$work/sizes"; then
    "$work/sizes" >"$work/sizes.out" 2>&1
    sed 's/^/    /' "$work/sizes.out"
    case $(uname -m) in
    x86_64 | amd64 | aarch64 | arm64)
        cat >"$work/sizes.expected" <<'EOF2'
hh_abi 8
hh_value 48
hh_annotation 48
hh_request 160
hh_instance_args 40
hh_handler 24
hh_plugin 104
hh_host_api 80
abi 1.0
EOF2
        check "LP64 sizes as pinned" cmp "$work/sizes.expected" "$work/sizes.out"
        ;;
    *)
        check "hh_abi is 8 bytes" grep -qx 'hh_abi 8' "$work/sizes.out"
        ;;
    esac
fi

# The static assertions bite: a header whose pinned size is wrong must not compile.
sed 's/sizeof(struct hh_abi) == 8/sizeof(struct hh_abi) == 9/' "$header" >"$work/broken.h"
if grep -q 'hh_abi) == 9' "$work/broken.h" &&
    ! $CC -std=c11 -fsyntax-only -x c "$work/broken.h" >/dev/null 2>&1 &&
    ! $CC -std=c99 -fsyntax-only -x c "$work/broken.h" >/dev/null 2>&1; then
    echo "ok: a wrong pinned size fails to compile (C11 and C99)"
else
    echo "FAIL: a wrong pinned size still compiles"
    failures=$((failures + 1))
fi

if test "$failures" -ne 0; then
    echo "$failures check(s) failed"
    exit 1
fi
exit 0
