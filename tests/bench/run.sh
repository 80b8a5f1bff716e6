#!/bin/sh
# Benchmark hookhost eval and print figures.
#
#   tests/bench/run.sh [RESOURCES] [NOOP_HOOKS] [CFN_GUARD RULES_DIR]
#
# Run from a built tree. It generates a CloudFormation template of
# RESOURCES resources (default 100000; a mix of S3 buckets, RDS instances,
# security groups and EC2 instances, half of them non-compliant), then times:
#   1. the three Control Tower hooks;
#   2. NOOP_HOOKS (default 100) no-op hooks activated on every resource,
#      i.e. RESOURCES x NOOP_HOOKS invocations;
#   3. with --jobs 1, to show the gain of threads;
# and, when a cfn-guard binary and the Control Tower rules directory are
# given, cfn-guard 3 validating the same template with the same three rules.
set -eu

n=${1:-100000}
hooks=${2:-100}
guard=${3:-}
rules=${4:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/host/hookhost
plugins=$top/plugins/.libs
work=$(mktemp -d "${TMPDIR:-/tmp}/hookhost-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

awk -v n="$n" 'BEGIN {
    print "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {"
    for (i = 0; i < n; i++) {
        sep = (i + 1 < n) ? "," : ""
        k = i % 4; bad = (i % 8) >= 4
        if (k == 0)
            printf "\"Bucket%d\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"PublicAccessBlockConfiguration\": {\"BlockPublicAcls\": true, \"BlockPublicPolicy\": %s, \"IgnorePublicAcls\": true, \"RestrictPublicBuckets\": true}}}%s\n", i, bad ? "false" : "true", sep
        else if (k == 1)
            printf "\"Db%d\": {\"Type\": \"AWS::RDS::DBInstance\", \"Properties\": {\"Engine\": \"postgres\", \"DBInstanceClass\": \"db.t3.micro\", \"BackupRetentionPeriod\": %d}}%s\n", i, bad ? 1 : 7, sep
        else if (k == 2)
            printf "\"Sg%d\": {\"Type\": \"AWS::EC2::SecurityGroup\", \"Properties\": {\"GroupDescription\": \"g\", \"SecurityGroupIngress\": [{\"IpProtocol\": \"tcp\", \"FromPort\": 443, \"ToPort\": 443, \"CidrIp\": \"0.0.0.0/0\"}, {\"IpProtocol\": \"tcp\", \"FromPort\": %d, \"ToPort\": %d, \"CidrIp\": \"0.0.0.0/0\"}]}}%s\n", i, bad ? 22 : 80, bad ? 22 : 80, sep
        else
            printf "\"Vm%d\": {\"Type\": \"AWS::EC2::Instance\", \"Properties\": {\"InstanceType\": \"t3.micro\", \"ImageId\": \"ami-1\"}}%s\n", i, sep
    }
    print "}}"
}' > "$work/template.json"

mkdir "$work/ct" "$work/noop"
cp "$top"/examples/hooks.d/[123]0-ct-*.json "$work/ct/"
i=0
while [ "$i" -lt "$hooks" ]; do
    printf '{"plugin": "noop.so", "typeNameAlias": "Bench::NoOp::H%03d", "CloudFormationConfiguration": {"HookConfiguration": {"TargetStacks": "ALL", "FailureMode": "FAIL"}}}\n' "$i" > "$work/noop/h$i.json"
    i=$((i + 1))
done

# Seconds (wall) of a command, its output discarded.
timed() {
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || true
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%d", (t > 0) ? n / t : 0 }'; }

size=$(wc -c < "$work/template.json")
echo "template: $n resources, $size bytes; $(nproc) CPUs"

t=$(timed "$bin" eval -d "$work/ct" -p "$plugins" -f json "$work/template.json")
printf 'control tower hooks (3):         %6.2f s  %s resources/s\n' "$t" "$(rate "$n" "$t")"

t=$(timed "$bin" eval -d "$work/noop" -p "$plugins" -f json "$work/template.json")
printf 'no-op hooks x %-3d (all cores):   %6.2f s  %s invocations/s\n' "$hooks" "$t" "$(rate "$((n * hooks))" "$t")"

t=$(timed "$bin" eval -j 1 -d "$work/noop" -p "$plugins" -f json "$work/template.json")
printf 'no-op hooks x %-3d (--jobs 1):    %6.2f s  %s invocations/s\n' "$hooks" "$t" "$(rate "$((n * hooks))" "$t")"

if [ -n "$guard" ] && [ -n "$rules" ]; then
    t=$(timed "$guard" validate --show-summary none -o json \
        -r "$rules/s3/ct-s3-pr-1.guard" -r "$rules/rds/ct-rds-pr-8.guard" \
        -r "$rules/ec2/ct-ec2-pr-4.guard" -d "$work/template.json")
    printf 'cfn-guard, same 3 rules:         %6.2f s  %s resources/s\n' "$t" "$(rate "$n" "$t")"
fi
