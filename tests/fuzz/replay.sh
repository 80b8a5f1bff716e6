#!/bin/sh
# Run one fuzz harness once on each file of its seed corpus.  make check
# uses it as the LOG_COMPILER of each harness program:
#   replay.sh ./replay_json   runs ./replay_json on corpus/json/*
#   replay.sh ./fuzz_json     the same with the libFuzzer build (libFuzzer
#                             runs files named on its command line once)
# The corpora are in $FUZZ_CORPUS_DIR/<harness>, by default next to this
# script.  Options after PROGRAM are passed on before the file names.
set -u

if test $# -lt 1; then
  echo "usage: $0 PROGRAM [OPTION...]" >&2
  exit 99
fi
prog=$1
shift
name=`basename "$prog"`
name=${name#replay_}
name=${name#fuzz_}
corpus=${FUZZ_CORPUS_DIR:-`dirname "$0"`/corpus}/$name
count=`ls "$corpus" 2>/dev/null | wc -l | tr -d ' '`
if test ! -d "$corpus" || test "$count" -eq 0; then
  echo "$0: no seed corpus in $corpus" >&2
  exit 99
fi
echo "$prog: $count inputs from $corpus"
# make check HOOKHOST_TEST_VALGRIND=1: under valgrind memcheck, as every test
# program (tests/valgrind-wrapper.sh); exit 99 on any finding.
case "${HOOKHOST_TEST_VALGRIND:-}" in
'' | 0 | no) ;;
*)
    set -- ${HOOKHOST_VALGRIND:-valgrind} -q --leak-check=full \
        --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        --suppressions="`dirname "$0"`/../valgrind.supp" "$prog" "$@"
    prog=$1
    shift
    ;;
esac
# The files by name: given a directory, libFuzzer would start fuzzing.
exec "$prog" "$@" "$corpus"/*
