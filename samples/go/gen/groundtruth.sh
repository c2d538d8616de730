#!/bin/sh
# Prints the ground-truth facts quoted in ../MANIFEST.md, computed with
# `go tool pprof` from the dumps in samples/go/. Run after run.sh.
set -eu
cd "$(dirname "$0")/.."        # samples/go
P="go tool pprof"
q() { printf '\n$ %s\n' "$*"; "$@" 2>&1; }

q sh -c "$P -top -nodecount=5 cpu.pb.gz | sed -n '4,11p'"
q sh -c "$P -raw cpu.pb.gz | awk '/^Samples/{s=1;next} /^Locations/{s=0} s && /^ +[0-9]+ +[0-9]+:/{n+=\$1} END{print \"cpu samples:\", n}'"
q sh -c "$P -tags -tagfocus=endpoint=checkout cpu.pb.gz | head -3"
q sh -c "$P -raw cpu.pb.gz | sed -n '/^Mappings/,\$p'"
q sh -c "$P -top -nodecount=3 -unit=B -sample_index=inuse_space heap.pb.gz | sed -n '4,9p'"
q sh -c "$P -top -nodecount=3 -unit=B -sample_index=inuse_space heap.baseline.pb.gz | sed -n '4,9p'"
q sh -c "$P -top -nodecount=2 -unit=B -sample_index=inuse_space -diff_base=heap.baseline.pb.gz heap.pb.gz | sed -n '4,8p'"
q sh -c "$P -top -nodecount=3 -sample_index=alloc_space allocs.pb.gz | sed -n '4,9p'"
q sh -c "$P -top -cum -nodecount=40 block.pb.gz | sed -n '4,5p'; $P -top -cum -nodecount=40 block.pb.gz | grep -E 'runtime\.(selectgo|chansend1)|main\.'"
q sh -c "$P -top -nodecount=2 mutex.pb.gz | sed -n '4,8p'"
q sh -c "$P -top -cum -nodecount=100 goroutine.pb.gz | grep -E 'total|main\.|conn\)\.serve|backgroundRead|Server\)\.Serve'"
q sh -c "$P -top goroutine.baseline.pb.gz | sed -n '4p'"
q sh -c "$P -top -diff_base=goroutine.baseline.pb.gz goroutine.pb.gz | sed -n '4p'"
q sh -c "head -1 goroutine.debug1.txt; grep -cE '^[0-9]+ @' goroutine.debug1.txt"
q sh -c "grep -c '^goroutine ' goroutine.debug2.txt; sed -n 's/^goroutine [0-9]* \[\([^],]*\).*/\1/p' goroutine.debug2.txt | sort | uniq -c"
q sh -c "for f in *.pb.gz; do zcat \$f; done | grep -a -c -E '/work|/root|/tmp|/home' || true; grep -c -E '/work|/root|/tmp|/home' goroutine.debug1.txt goroutine.debug2.txt || true"
