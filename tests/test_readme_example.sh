#!/bin/sh
# The plugin in plugin-api/README.md is real: extract it, build it the way
# the README says, load it through the real host and check its verdicts.
set -eu

: "${CC:=cc}"
top=${HOOKHOST_TEST_TOP_SRCDIR:?run through make check}
bin=${HOOKHOST_BIN:?run through make check}
work=$(mktemp -d "${HOOKHOST_TEST_BUILDDIR:-.}/readme.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins" "$work/hooks"
chmod 0755 "$work" "$work/plugins"

# The first ```c block, up to and including HH_PLUGIN_DEFINE.
sed -n '/^```c$/,/^```$/p' "$top/plugin-api/README.md" | sed '1d;$d' |
    sed -n '1,/^HH_PLUGIN_DEFINE/p' > "$work/example.c"
grep -q '^HH_PLUGIN_DEFINE' "$work/example.c" || { echo "no example in the README"; exit 1; }

$CC -std=c11 -Wall -Wextra -Werror -pedantic -shared -fPIC -fvisibility=hidden \
    -I"$top/plugin-api" -Wl,-z,now -Wl,-z,defs -o "$work/plugins/bucket-name.so" "$work/example.c"

cat > "$work/hooks/bucket-name.json" <<'JSON'
{"plugin": "bucket-name.so",
 "CloudFormationConfiguration": {"HookConfiguration": {"TargetStacks": "ALL", "FailureMode": "FAIL"}}}
JSON
cat > "$work/template.json" <<'JSON'
{"Resources": {
  "Named": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "logs"}},
  "Unnamed": {"Type": "AWS::S3::Bucket", "Properties": {}},
  "Queue": {"Type": "AWS::SQS::Queue"}}}
JSON

status=0
"$bin" eval --hooks-dir "$work/hooks" --plugin-dir "$work/plugins" "$work/template.json" \
    > "$work/out.txt" 2> "$work/err.txt" || status=$?
cat "$work/out.txt"
[ "$status" -eq 1 ] || { echo "expected exit 1, got $status"; cat "$work/err.txt"; exit 1; }
grep -q '^  PASS  Example::S3::BucketName 1.0.0$' "$work/out.txt"
grep -q '^  FAIL  Example::S3::BucketName 1.0.0  NonCompliant: \[EX.1\]: BucketName must be set$' "$work/out.txt"
grep -q 'Verdict: FAIL: 3 operations, 2 judged, 2 hook invocations: 1 passed, 1 failed' "$work/out.txt"
if grep -q Queue "$work/out.txt"; then echo "Queue matched no hook and must not be listed"; exit 1; fi
echo "README plugin example: built, loaded and judged as documented"
