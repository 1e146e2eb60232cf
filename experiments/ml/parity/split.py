#!/usr/bin/python3
"""Cuts one CSV into an extrapolation split: the training side (every row whose COLUMN is at most
BOUND) and the test side (the rest).

    split.py DATA COLUMN BOUND TRAIN_CSV TEST_CSV [KEEP_COLUMNS]

KEEP_COLUMNS (comma-separated) keeps only those columns, in that order (a twinprof job export
has identity columns neither tool should see). Prints the row counts and the test side's values
of COLUMN.
"""
import csv
import sys


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    data, column, bound, train_path, test_path = sys.argv[1:6]
    bound = float(bound)
    with open(data, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or column not in rows[0]:
        sys.exit(f"{data}: no column {column}")
    names = sys.argv[6].split(",") if len(sys.argv) == 7 else list(rows[0].keys())
    for name in names:
        if name not in rows[0]:
            sys.exit(f"{data}: no column {name}")
    train = [r for r in rows if float(r[column]) <= bound]
    test = [r for r in rows if float(r[column]) > bound]
    if not train or not test:
        sys.exit(f"{data}: {column} <= {bound} leaves an empty side")
    for path, side in ((train_path, train), (test_path, test)):
        with open(path, "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(names)
            for r in side:
                writer.writerow([r[n] for n in names])
    values = sorted({float(r[column]) for r in test})
    print(f"{column} <= {bound:g}: {len(train)} training rows; test {len(test)} rows, "
          f"{column} in {values[0]:g}..{values[-1]:g}")


if __name__ == "__main__":
    main()
