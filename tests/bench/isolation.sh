#!/bin/sh
# What process isolation costs per invocation, against in-process hooks.
#
#   tests/bench/isolation.sh [RESOURCES] [NOOP_HOOKS] [RUNS]
#
# Run from a built tree.  It generates a CloudFormation template of
# RESOURCES queues (default 20000) and NOOP_HOOKS (default 10) no-op hooks
# (the shipped noop.so) on every resource, then times `hookhost eval`
# with every hook in-process and with every hook in worker processes, with
# --jobs 1 and on every core, the best of RUNS runs (default 3) each; and
# the start-up alone (one resource), where process isolation pays for
# starting one worker per hook.  The difference divided by the invocations
# is the cost of isolation per invocation.
set -eu

n=${1:-20000}
hooks=${2:-10}
runs=${3:-3}
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/host/hookhost
plugins=$top/plugins/.libs
work=$(mktemp -d "${TMPDIR:-/tmp}/hookhost-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

awk -v n="$n" 'BEGIN {
    printf "{\"Resources\": {"
    for (i = 0; i < n; i++)
        printf "%s\"Queue%d\": {\"Type\": \"AWS::SQS::Queue\", \"Properties\": {\"QueueName\": \"q%d\", \"DelaySeconds\": 5}}", (i ? ", " : ""), i, i
    print "}}"
}' > "$work/template.json"
printf '{"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}\n' > "$work/one.json"

for mode in process in-process; do
    mkdir "$work/$mode"
    i=0
    while [ "$i" -lt "$hooks" ]; do
        printf '{"plugin": "noop.so", "typeNameAlias": "Bench::NoOp::H%03d", "isolation": "%s", "CloudFormationConfiguration": {"HookConfiguration": {"TargetStacks": "ALL", "FailureMode": "FAIL"}}}\n' "$i" "$mode" > "$work/$mode/h$i.json"
        i=$((i + 1))
    done
done

# Best wall time (seconds) of RUNS runs of a command, its output discarded.
best() {
    b=
    r=0
    while [ "$r" -lt "$runs" ]; do
        start=$(date +%s.%N)
        "$@" > /dev/null 2>&1 || true
        end=$(date +%s.%N)
        b=$(awk -v a="$start" -v e="$end" -v b="$b" 'BEGIN { t = e - a; if (b == "" || t < b) b = t; printf "%.4f", b }')
        r=$((r + 1))
    done
    echo "$b"
}

inv=$((n * hooks))
echo "template: $n resources x $hooks no-op hooks = $inv invocations; $(nproc) CPUs; best of $runs"
for jobs in 1 "$(nproc)"; do
    tp=$(best "$bin" eval -j "$jobs" -d "$work/process" -p "$plugins" -f json "$work/template.json")
    ti=$(best "$bin" eval -j "$jobs" -d "$work/in-process" -p "$plugins" -f json "$work/template.json")
    awk -v tp="$tp" -v ti="$ti" -v inv="$inv" -v j="$jobs" 'BEGIN {
        printf "--jobs %s: in-process %7.3f s (%6.2f us/invocation), process %7.3f s (%6.2f us/invocation): +%.2f us per invocation\n",
            j, ti, ti * 1e6 / inv, tp, tp * 1e6 / inv, (tp - ti) * 1e6 / inv }'
done
tp=$(best "$bin" eval -d "$work/process" -p "$plugins" -f json "$work/one.json")
ti=$(best "$bin" eval -d "$work/in-process" -p "$plugins" -f json "$work/one.json")
awk -v tp="$tp" -v ti="$ti" -v h="$hooks" 'BEGIN {
    printf "start-up (1 resource): in-process %.3f s, process %.3f s: +%.2f ms per hook (its first worker)\n",
        ti, tp, (tp - ti) * 1e3 / h }'
