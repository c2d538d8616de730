#!/usr/bin/env bash
# tests/bad/goroutine/make.sh - (re)writes the goroutine-dump malformed-input
# corpus next to it: n_* must be rejected by `memtracer info` with exactly
# the line in the matching n_*.err (kept by hand, next to the inputs), y_*
# must be accepted. Hand-crafted text in Go's formats; the two large inputs
# are gzip-compressed (the reader inflates by content). Deterministic.
#
#   bash tests/bad/goroutine/make.sh          # from anywhere
set -eu
cd "$(dirname "$0")"

ok='goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10 +0x1d\n\n'

# ---- must fail ----
printf "${ok}goroutine 2 [select]:\nmain.worker()\n\t/src/main.go:20 +0x5\nthis is not a frame\n\t/src/main.go:21\n" > n_garbage_line.txt
printf 'goroutine 1 [running]:\nmain.main)(\n\t/src/main.go:152 +0x3d2\n' > n_bad_func.txt
printf 'goroutine 1 [running]:\n\ngoroutine 2 [running]:\nmain.main()\n\t/src/main.go:10\n' > n_empty_stack.txt
printf "${ok}goroutine 12x [running]:\nmain.main()\n\t/src/main.go:10\n" > n_bad_id.txt
printf 'goroutine 18446744073709551616 [running]:\nmain.main()\n\t/src/main.go:10\n' > n_id_overflow.txt
printf 'goroutine 1 []:\nmain.main()\n\t/src/main.go:10\n' > n_empty_state.txt
printf 'goroutine 1 [select, 99999999999999999999 minutes]:\nmain.main()\n\t/src/main.go:10\n' > n_wait_overflow.txt
printf 'goroutine 1 [running:\nmain.main()\n\t/src/main.go:10\n' > n_header_unclosed.txt
printf 'goroutine 1 [running]:\nmain.main()\n\t:152 +0x3d2\n' > n_file_no_path.txt
printf 'goroutine 1 [running]:\nmain.main()\n\t/src/main.go +0x3d2\n' > n_file_no_line.txt
printf 'goroutine 1 [running]:\nmain.main()\n/src/main.go:152 +0x3d2\n' > n_file_no_tab.txt
printf 'goroutine 1 [running]:\nmain.main()\n\n' > n_func_without_file.txt
printf 'goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10\ncreated by main.init\n\t/src/main.go:3\nmain.extra()\n\t/src/main.go:4\n' > n_frame_after_created_by.txt
printf 'goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10\ncreated by \n\t/src/main.go:3\n' > n_created_by_empty.txt
printf 'goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10\ncreated by main.init\n\n' > n_created_by_without_file.txt
printf "${ok}\t/src/main.go:11 +0x1\n" > n_orphan_file_line.txt
printf 'goroutine 1 [syscall]:\nmy_c_func\n\t/src/c.c:12 +0x1\n' > n_c_frame_without_pc.txt
printf 'goroutine profile: total 2x\n1 @ 0x1\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n' > n_d1_bad_total.txt
printf 'goroutine profile: total 1\n0 @ 0x1\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n' > n_d1_zero_count.txt
printf 'goroutine profile: total 1\n1 @ 0x1 zz\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n' > n_d1_bad_pc.txt
printf 'goroutine profile: total 1\n1 @ 0x1\n#\t0xZZ\tmain.f+0x1\t/m.go:3\n\n' > n_d1_bad_frame_pc.txt
printf 'goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.f+0x1\t/m.go\n\n' > n_d1_frame_no_line.txt
printf 'goroutine profile: total 1\n1 @ 0x1\n# labels: {"k":"v}\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n' > n_d1_label_unterminated.txt
printf 'goroutine profile: total 1\n1 @ 0x1\n# labels: {"k":"\\q"}\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n' > n_d1_label_bad_escape.txt
printf 'goroutine profile: total 1\n1 @ 0x1\n# labels: {"k":"\\ud800"}\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n' > n_d1_label_surrogate.txt
printf 'goroutine profile: total 1\n1 @ 0x1\nthis is not a frame\n\n' > n_d1_garbage.txt
# a function line of 2 MiB (limit: 1 MiB per line)
{ printf 'goroutine 1 [running]:\n'; head -c 2097152 /dev/zero | tr '\0' 'a'; printf '()\n\t/src/main.go:1\n'; } | gzip -9n > n_line_too_long.gz
# 100001 frames in one goroutine (limit: 100000)
{ printf 'goroutine 1 [running]:\n'; awk 'BEGIN { for (i = 0; i < 100001; i++) printf "main.f()\n\t/src/main.go:1 +0x1\n" }'; } | gzip -9n > n_too_many_frames.gz

# ---- must parse ----
printf "${ok}goroutine 7 [chan receive, 3 minutes, locked to thread]:\nmain.(*T).wait(0xc000010000, {0x4a, 0x1}, ...)\n\t/src/main.go:42 +0x1d\nmain.F[...](...)\n\t/src/main.go:30\ncreated by main.main in goroutine 1\n\t/src/main.go:17 +0x6b\n\ngoroutine 9 gp=0xc000007180 m=nil [select]:\nmain.run()\n\tC:/Program Files/x y.go:6 +0x10\n" > y_debug2_variants.txt
printf 'SIGQUIT: quit\nPC=0x46b761 m=0 sigcode=0\n\ngoroutine 0 [idle]:\nruntime.futex()\n\t/go/src/runtime/sys_linux_amd64.s:559 +0x21 fp=0x7ffc00 sp=0x7ffbf8 pc=0x46b761\n\ngoroutine 1 [IO wait, 2 minutes]:\nruntime.gopark(0x2?, 0xc0?)\n\t/go/src/runtime/proc.go:363 +0xd6 fp=0xc0 sp=0xc0 pc=0x439a16\nmain.main()\n\t/src/main.go:369 +0xb6e fp=0xc0 sp=0xc0 pc=0x6a5eae\nruntime.goexit()\n\t/go/src/runtime/asm_amd64.s:1594 +0x1 fp=0xc0 sp=0xc0 pc=0x469861\n\ngoroutine 5 [running]:\n\tgoroutine running on other thread; stack unavailable\n\nrax    0xca\nrflags 0x286\n' > y_sigquit.txt
printf 'panic: boom\n\ngoroutine 1 [running]:\npanic({0x4a0f80, 0x54f620})\n\t/go/src/runtime/panic.go:884 +0x213\nmain.main()\n\t/tmp/x.go:5 +0x1d\nexit status 2\n' > y_panic.txt
printf 'goroutine 20 [IO wait]:\nnet/http.Serve({0x738a20, 0xc0000ba0c0}, {0x0?, 0x0})\n\t/go/src/net/http/server.go:2595 +0x6c\ncreated by main.start in goroutine 1\n\t/src/main.go:27 +0x87\n[originating from goroutine 1]:\nmain.start(...)\n\t/src/main.go:30 +0x87\nmain.main(...)\n\t/src/main.go:14 +0x13\n' > y_ancestors.txt
printf 'goroutine 1 [syscall]:\nnon-Go function\n\tpc=0x7f00\nmy_c_func\n\t/src/c.c:12 pc=0x7f01\nmain._Cfunc_f(0xf4240)\n\t_cgo_gotypes.go:56 +0x45\n' > y_cgo.txt
printf 'goroutine profile: total 3\n2 @ 0x439a16 0x4497dc 0x6a389e 0x469861\n# labels: {"a\\"b":"x\\\\y\\u00e9", "k":"v, w}"}\n#\t0x6a389d\tmain.sub.func1+0x7d\t/src/main.go:111\n\n1 @ 0x4a1b2c\n#\t0x4a1b2c\n\n' > y_debug1_labels.txt
printf 'goroutine profile: total 0\n' > y_debug1_empty.txt
printf "${ok}goroutine 12345 [select]:\nmain.a()\n\t/src/main.go:2\nmain.b()\n\t/src/main.go:3\nmain.c()\n\t/usr/lib/go/src/runt" > y_truncated_in_file_line.txt
printf "${ok}goroutine 12345 [select]:\nmain.a()\n\t/src/main.go:2\nmain.b()\n" > y_truncated_after_func.txt
printf 'goroutine profile: total 5\n2 @ 0x1 0x2\n#\t0x1\tmain.f+0x1\t/m.go:3\n\n3 @ 0x4 0x5\n#\t0x4\tmain.g+0x1\t/m.go:' > y_truncated_debug1.txt
printf 'goroutine 1 [running]:\r\nmain.main()\r\n\t/src/main.go:10 +0x1d\r\n' > y_crlf.txt
printf "${ok}goroutine 2 [sleep]:\ntime.Sleep(0x3b9aca00)\n\t/go/src/runtime/time.go:195 +0x135\nmain.loop()\n\t/src/main.go:5 +0x1" > y_no_final_newline.txt
printf "${ok}goroutine 2 [chan receive]:\nmain.w()\n\t/src/main.go:7 +0x1\n" | gzip -9n > y_gzip.gz
