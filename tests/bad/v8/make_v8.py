#!/usr/bin/env python3
# tests/bad/v8/make_v8.py - (re)writes the V8 .heapsnapshot malformed-input
# corpus next to this script: n_*.heapsnapshot must be rejected by
# `memtracer info` with exactly the line in the matching n_*.err (kept by
# hand, reviewed), y_*.heapsnapshot must be accepted. Each file is a small
# hand-made snapshot with one defect. Deterministic (gzip without a time).
#
#   python3 tests/bad/v8/make_v8.py        # from anywhere
import gzip
import io
import json
import os

here = os.path.dirname(os.path.abspath(__file__))

NT = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native",
      "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape"]
ET = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"]


def meta(node_fields, extra=None, node_types=NT):
    types = {"type": node_types, "name": "string"}
    m = {"node_fields": node_fields,
         "node_types": [types.get(f, "number") for f in node_fields],
         "edge_fields": ["type", "name_or_index", "to_node"],
         "edge_types": [ET, "string_or_number", "node"]}
    if extra:
        m.update(extra)
    return m


NF = ["type", "name", "id", "self_size", "edge_count", "detachedness"]
TRACE_META = {
    "trace_function_info_fields": ["function_id", "name", "script_name", "script_id", "line", "column"],
    "trace_node_fields": ["id", "function_info_index", "count", "size", "children"],
    "sample_fields": ["timestamp_us", "last_assigned_id"],
    "location_fields": ["object_index", "script_id", "line", "column"],
}


def v8_text(snap):
    """Lays a snapshot out the way V8 writes it: one line per section, a
    newline before each node and edge, strings last."""
    out = ['{"snapshot":' + json.dumps(snap["snapshot"], separators=(",", ":"))]
    for key in ("nodes", "edges", "trace_function_infos", "trace_tree", "samples", "locations", "strings"):
        if key not in snap:
            continue
        v = snap[key]
        if key == "nodes" or key == "edges":
            nf = len(snap["snapshot"]["meta"]["node_fields" if key == "nodes" else "edge_fields"])
            rows = [",".join(str(x) for x in v[i:i + nf]) for i in range(0, len(v), nf)]
            body = "\n,".join(rows)
        elif key == "strings":
            body = ",\n".join(json.dumps(s) for s in v)
        else:
            body = json.dumps(v, separators=(",", ":"))[1:-1]
        out.append('"%s":[%s]' % (key, body))
    return ",\n".join(out) + "}\n"


def base():
    return {
        "snapshot": {"meta": meta(NF, TRACE_META), "node_count": 4, "edge_count": 4, "trace_function_count": 1},
        "nodes": [9, 0, 1, 0, 2, 0,
                  3, 1, 3, 16, 1, 2,
                  2, 2, 5, 24, 1, 1,
                  5, 5, 7, 32, 0, 0],
        "edges": [1, 1, 6,
                  2, 3, 12,
                  6, 4, 0,
                  0, 6, 18],
        "trace_function_infos": [0, 5, 7, 3, 10, 2],
        "trace_tree": [1, 0, 0, 0, [2, 0, 1, 32, []]],
        "samples": [100, 7],
        "locations": [18, 3, 10, 2],
        "strings": ["", "Foo", "hello", "next", "w", "fn", "ctx", "app.js"],
    }


def write(name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)


def edit(text, old, new, count=1):
    assert old in text, old
    return text.replace(old, new, count)


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as g:
        g.write(data.encode())
    return buf.getvalue()


good = v8_text(base())

# ---- must fail ----
write("n_nodes_not_multiple.heapsnapshot", edit(good, "\n,5,5,7,32,0,0]", "\n,5,5,7,32,0]"))
write("n_to_node_not_multiple.heapsnapshot", edit(good, "\n,2,3,12", "\n,2,3,13"))
write("n_to_node_out_of_range.heapsnapshot", edit(good, "\n,0,6,18]", "\n,0,6,24]"))
write("n_edge_count_sum.heapsnapshot", edit(good, "\n,2,2,5,24,1,1", "\n,2,2,5,24,2,1"))
write("n_edge_type_unknown.heapsnapshot", edit(good, "\n,6,4,0", "\n,7,4,0"))
write("n_node_type_far_out.heapsnapshot", edit(good, "\n,3,1,3,16", "\n,300,1,3,16"))
write("n_node_name_dangling.heapsnapshot", edit(good, "\n,3,1,3,16", "\n,3,8,3,16"))
write("n_edge_name_dangling.heapsnapshot", edit(good, "\n,2,3,12", "\n,2,30,12"))
write("n_node_name_huge.heapsnapshot", edit(good, "\n,3,1,3,16", "\n,3,4294967296,3,16"))
write("n_detachedness_3.heapsnapshot", edit(good, "\n,3,1,3,16,1,2", "\n,3,1,3,16,1,3"))
write("n_negative_value.heapsnapshot", edit(good, "\n,3,1,3,16", "\n,3,1,-3,16"))
write("n_fraction_value.heapsnapshot", edit(good, "\n,2,3,12", "\n,2,3,12.0"))
write("n_trailing_comma.heapsnapshot", edit(good, "\n,0,6,18]", "\n,0,6,18,]"))
write("n_missing_edge_count_field.heapsnapshot", edit(good, '"self_size","edge_count",', '"self_size","edges_count",'))
write("n_node_types_no_list.heapsnapshot", edit(good, '"node_types":[' + json.dumps(NT, separators=(",", ":")),
                                                '"node_types":["string"'))
write("n_to_node_wrong_type.heapsnapshot", edit(good, '"string_or_number","node"]', '"string_or_number","number"]'))
# ("meta" must still occur near the start, or format detection says "not a profile")
write("n_missing_meta.heapsnapshot", edit(edit(good, '{"snapshot":{"meta":', '{"snapshot":{"metadata":'),
                                          '"app.js"]', '"app.js",\n"meta"]'))
write("n_missing_strings.heapsnapshot", good[:good.index(',\n"strings"')] + "}\n")
write("n_missing_edges.heapsnapshot", edit(good, '"edges":[', '"edgez":['))
write("n_duplicate_nodes.heapsnapshot", edit(good, ',\n"edges":[', ',\n"nodes":[],\n"edges":['))
write("n_no_nodes.heapsnapshot", edit(edit(edit(good, '"locations":[18,3,10,2]', '"locations":[]'), '"nodes":[9,0,1,0,2,0\n,3,1,3,16,1,2\n,2,2,5,24,1,1\n,5,5,7,32,0,0]',
                                            '"nodes":[]'), '"edges":[1,1,6\n,2,3,12\n,6,4,0\n,0,6,18]', '"edges":[]'))
write("n_header_count_string.heapsnapshot", edit(good, '"node_count":4', '"node_count":"4"'))
write("n_trace_node_short.heapsnapshot", edit(good, "[2,0,1,32,[]]", "[2,0,1,[]]"))
write("n_trace_function_dangling.heapsnapshot", edit(good, "[2,0,1,32,[]]", "[2,1,1,32,[]]"))
write("n_location_not_node.heapsnapshot", edit(good, '"locations":[18,', '"locations":[19,'))
write("n_samples_not_multiple.heapsnapshot", edit(good, '"samples":[100,7]', '"samples":[100,7,200]'))
write("n_string_bad_escape.heapsnapshot", edit(good, '"hello"', '"hel\\lo"'))
write("n_string_raw_newline.heapsnapshot", edit(good, '"hello"', '"hel\nlo"'))
write("n_string_short_unicode_escape.heapsnapshot", edit(good, '"hello"', '"hel\\u00"'))
write("n_trailing_garbage.heapsnapshot", good + "{}\n")
write("n_truncated_in_nodes.heapsnapshot", good[:good.index("\n,2,2,5,24") + 4])
write("n_truncated_in_strings.heapsnapshot", good[:good.index('"hello"') + 4])
write("n_truncated_gzip.heapsnapshot", gz(good)[:-30])
write("n_deep_nesting.heapsnapshot", edit(good, '"samples":', '"x":' + "[" * 5000 + "]" * 5000 + ',\n"samples":'))
write("n_snapshot_not_an_object.heapsnapshot", edit(edit(good, '{"snapshot":{', '{"snapshot":[{'),
                                                   ',\n"nodes":', '],\n"nodes":'))

# ---- must parse ----
write("y_v8_layout.heapsnapshot", good)
write("y_gzip.heapsnapshot", gz(good))
old = base()
old["snapshot"]["meta"] = meta(["type", "name", "id", "self_size", "edge_count", "trace_node_id"],
                               {k: TRACE_META[k] for k in ("trace_function_info_fields", "trace_node_fields",
                                                           "sample_fields")}, node_types=NT[:12])
old["nodes"] = [9, 0, 1, 0, 2, 0, 3, 1, 3, 16, 1, 0, 12, 2, 5, 24, 1, 0, 5, 5, 7, 32, 0, 2]
del old["locations"]
write("y_old_format_symbol_type_12.heapsnapshot", v8_text(old))
reordered = base()
text = v8_text(reordered)
head, rest = text.split(",\n", 1)
write("y_sections_after_strings.heapsnapshot", "{" + rest[:-2] + ",\n" + head[1:] + "}\n")
