#!/usr/bin/env bash
# tests/bad/v8prof/make.sh - (re)writes the V8 .cpuprofile / .heapprofile
# malformed-input corpus next to it: n_* must be rejected by `memtracer info`
# with exactly the line in the matching n_*.err (kept by hand, next to the
# inputs), y_* must be accepted. Hand-written JSON in the shapes Chrome and
# node write; every file carries the member names format detection looks
# for ("hitCount"/"timeDeltas" for CPU profiles, "selfSize" for heap ones).
#
#   bash tests/bad/v8prof/make.sh          # from anywhere
set -eu
cd "$(dirname "$0")"

# node objects of the new form: node ID NAME [extra members]
nd() { printf '{"id":%s,"callFrame":{"functionName":"%s","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"hitCount":0%s}' "$1" "$2" "${3:-}"; }
root="$(nd 1 '(root)' ',"children":[2]')"
a="$(nd 2 a)"

# ---- CPU profiles, new form: must fail ----
printf '{"nodes":[%s,%s],"startTime":0,"endTime":10,"samples":[2,9],"timeDeltas":[1,1]}' "$root" "$a" > n_unknown_sample_id.cpuprofile
printf '{"nodes":[%s,%s],"startTime":0,"endTime":10}' "$(nd 1 '(root)' ',"children":[2,3]')" "$a" > n_unknown_child.cpuprofile
printf '{"nodes":[%s,%s,%s]}' "$(nd 1 '(root)')" "$(nd 2 a ',"children":[3]')" "$(nd 3 b ',"children":[2]')" > n_cycle.cpuprofile
printf '{"nodes":[%s,%s,%s]}' "$(nd 1 '(root)' ',"children":[2,3]')" "$(nd 2 a ',"children":[3]')" "$(nd 3 b)" > n_two_parents.cpuprofile
printf '{"nodes":[%s,%s,%s]}' "$(nd 1 '(root)' ',"children":[2]')" "$a" "$(nd 2 b)" > n_duplicate_id.cpuprofile
printf '{"nodes":[{"id":1,"hitCount":0}]}' > n_missing_callframe.cpuprofile
printf '{"nodes":[{"callFrame":{"functionName":"(root)"},"hitCount":0}]}' > n_missing_id.cpuprofile
printf '{"nodes":[{"id":1,"callFrame":{"url":"x.js"},"hitCount":0}]}' > n_missing_function_name.cpuprofile
printf '{"nodes":[{"id":1,"id":2,"callFrame":{"functionName":"a"},"hitCount":0}]}' > n_duplicate_member.cpuprofile
printf '{"nodes":[],"hitCount":0}' > n_no_nodes.cpuprofile
printf '{"hitCount":0,"startTime":0}' > n_neither_nodes_nor_head.cpuprofile
printf '{"nodes":[%s,%s],"head":{}}' "$root" "$a" > n_nodes_and_head.cpuprofile
printf '{"nodes":[%s,%s],"startTime":0,"endTime":10,"samples":[2,2],"timeDeltas":[1]}' "$root" "$a" > n_time_deltas_short.cpuprofile
printf '{"nodes":[%s,%s],"startTime":0,"endTime":10,"samples":[2]}' "$root" "$a" > n_samples_without_times.cpuprofile
printf '{"nodes":[%s,%s],"startTime":0,"endTime":10,"samples":[2],"timeDeltas":["1"]}' "$root" "$a" > n_delta_string.cpuprofile
printf '{"nodes":[%s,%s],"startTime":0,"endTime":10,"samples":[2],"timeDeltas":[1e300]}' "$root" "$a" > n_delta_huge.cpuprofile
printf '{"nodes":[%s,%s],"samples":[2,2],"timeDeltas":[9223372036854775,9223372036854775]}' "$root" "$a" > n_delta_sum_overflow.cpuprofile
printf '{"nodes":[%s,%s],"startTime":-5,"endTime":10}' "$root" "$a" > n_negative_start.cpuprofile
printf '{"nodes":[%s,%s],"startTime":20,"endTime":10}' "$root" "$a" > n_end_before_start.cpuprofile
printf '{"nodes":[{"id":1,"callFrame":{"functionName":"a","lineNumber":1.5},"hitCount":0}]}' > n_line_fraction.cpuprofile
printf '{"nodes":[{"id":-1,"callFrame":{"functionName":"a"},"hitCount":0}]}' > n_negative_id.cpuprofile
printf '{"nodes":[{"id":1,"callFrame":{"functionName":"a"},"hitCount":-1}]}' > n_negative_hit_count.cpuprofile
printf '{"nodes":[%s,%s],"startTime":0,"endTime":10,"samples":[2,2],"timeDe' "$root" "$a" > n_truncated.cpuprofile
printf '{"nodes":[%s,%s]} xyz' "$root" "$a" > n_trailing_garbage.cpuprofile

# ---- CPU profiles, old nested form: must fail ----
on() { printf '{"functionName":"%s","url":"","lineNumber":0,"callUID":%s,"bailoutReason":"","id":%s,"scriptId":0,"hitCount":0,"children":[%s]}' "$1" "$2" "$2" "${3:-}"; }
printf '{"head":%s,"startTime":1,"endTime":1,"samples":[2,3],"timestamps":[1000001,1000002]}' "$(on '(root)' 1 "$(on a 2)")" > n_old_unknown_sample_id.cpuprofile
printf '{"head":%s,"startTime":1,"endTime":1,"samples":[2,2,2],"timestamps":[1000001,1000002]}' "$(on '(root)' 1 "$(on a 2)")" > n_old_timestamps_short.cpuprofile
printf '{"head":%s,"startTime":1,"endTime":1}' "$(on '(root)' 1 2)" > n_old_child_not_object.cpuprofile
printf '{"head":{"url":"","id":1,"hitCount":0,"children":[]}}' > n_old_missing_function_name.cpuprofile
printf '{"head":%s,"timestamps":[1],"timeDeltas":[1],"samples":[1]}' "$(on '(root)' 1)" > n_old_timestamps_and_deltas.cpuprofile
printf '{"head":%s' "$(on '(root)' 1 "$(on a 2)")" | head -c 150 > n_old_truncated.cpuprofile

# ---- heap profiles: must fail ----
hn() { printf '{"callFrame":{"functionName":"%s","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"selfSize":%s,"id":%s,"children":[%s]}' "$1" "$2" "$3" "${4:-}"; }
printf '{"head":%s,"samples":[{"size":16,"nodeId":7,"ordinal":1}]}' "$(hn '(root)' 0 1 "$(hn a 16 2)")" > n_heap_unknown_node_id.heapprofile
printf '{"head":%s,"samples":[{"size":16,"ordinal":1}]}' "$(hn '(root)' 0 1 "$(hn a 16 2)")" > n_heap_sample_without_node_id.heapprofile
printf '{"head":{"callFrame":{"functionName":"(root)"},"id":1,"children":[]},"selfSize":0}' > n_heap_missing_self_size.heapprofile
printf '{"head":%s}' "$(hn '(root)' -16 1)" > n_heap_negative_self_size.heapprofile
printf '{"head":%s}' "$(hn '(root)' 0 1 "$(hn a 16 1)")" > n_heap_duplicate_id.heapprofile
printf '{"head":[{"selfSize":1}]}' > n_heap_head_not_object.heapprofile
printf '{"samples":[],"selfSize":0}' > n_heap_no_head.heapprofile
printf '{"head":%s' "$(hn '(root)' 0 1 "$(hn a 16 2)")" | head -c 120 > n_heap_truncated.heapprofile

# ---- must parse ----
printf '{"nodes":[%s,%s,%s],"startTime":100,"endTime":200,"samples":[2,3,3],"timeDeltas":[10,20,-5]}' "$(nd 1 '(root)' ',"children":[2]')" "$(nd 2 a ',"children":[3]')" "$(nd 3 '')" > y_new_form.cpuprofile
printf '{"nodes":[%s,%s],"startTime":0,"endTime":100}' "$(nd 1 '(root)' ',"children":[2]')" "$(nd 2 a ',"hitCount":0')" | sed 's/"hitCount":0,"hitCount":0/"hitCount":3/' > y_hit_count_only.cpuprofile
printf '{"head":%s,"startTime":1,"endTime":1,"samples":[2,2,1],"timestamps":[1000001,1000002,1000004,1000008]}' "$(on '(root)' 1 "$(on a 2)")" > y_old_form.cpuprofile
printf '{"head":%s,"samples":[{"size":16,"nodeId":2,"ordinal":1}]}' "$(hn '(root)' 0 1 "$(hn a 16 2)")" > y_heap_basic.heapprofile
printf '{"head":{"callFrame":{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"selfSize":0,"children":[]}}' > y_heap_empty.heapprofile
