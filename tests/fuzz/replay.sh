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
# The files by name: given a directory, libFuzzer would start fuzzing.
exec "$prog" "$@" "$corpus"/*
