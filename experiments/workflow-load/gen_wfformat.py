#!/usr/bin/env python3
"""Writes a layered WfFormat 1.5 instance for the workflow-loading benchmark.

usage: gen_wfformat.py LEVELS WIDTH OUT.json

Task j of level l > 0 has two parents in level l-1 (j and j+1 modulo WIDTH), one input and one
output file, and a runtime; the result has LEVELS*WIDTH tasks and about 2*(LEVELS-1)*WIDTH edges.
"""
import json
import sys


def main():
    levels, width, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    tasks, files, runs = [], [], []
    def tid(l, j):
        return f"t{l}_{j}"
    for l in range(levels):
        for j in range(width):
            parents = [] if l == 0 else sorted({tid(l - 1, j), tid(l - 1, (j + 1) % width)})
            children = [] if l == levels - 1 else sorted({tid(l + 1, j), tid(l + 1, (j - 1) % width)})
            tasks.append({"name": f"level{l}", "id": tid(l, j), "parents": parents,
                          "children": children, "inputFiles": [f"in_{l}_{j}"],
                          "outputFiles": [f"out_{l}_{j}"]})
            files += [{"id": f"in_{l}_{j}", "sizeInBytes": 1000 + j},
                      {"id": f"out_{l}_{j}", "sizeInBytes": 2000 + j}]
            runs.append({"id": tid(l, j), "runtimeInSeconds": 1.0 + (j % 7), "coreCount": 1})
    doc = {"name": f"layered-{levels}x{width}", "schemaVersion": "1.5",
           "workflow": {"specification": {"tasks": tasks, "files": files},
                        "execution": {"makespanInSeconds": 0, "executedAt": "2026-11-26T00:00:00Z",
                                      "tasks": runs}}}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
