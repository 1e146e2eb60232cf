#!/usr/bin/python3
"""The parity table of run.sh: per split and technique, each tool's chosen hyperparameters (those
the grid varies), its HP-selection MAPE and its MAPE on the test rows, plus twinprof refitted at
aMLLibrary's chosen point (which separates a different choice from a different model) and, for
the trees, how far aMLLibrary's own test MAPE moves with scikit-learn's random_state (min-max
over 10 seeds, aml_eval.py).

    table.py OUT GRID_INI SPLIT...

Writes Markdown to stdout and OUT/table.json.
"""
import ast
import configparser
import csv
import json
import os
import sys

TECHNIQUES = ["LRRidge", "XGBoost", "DecisionTree", "RandomForest", "SVR"]


def varied(grid_ini):
    """{technique: [hyperparameters with more than one value]}."""
    parser = configparser.ConfigParser(inline_comment_prefixes=("#",))
    parser.optionxform = str
    parser.read(grid_ini)
    return {s: [k for k, v in parser[s].items() if len(ast.literal_eval(v)) > 1]
            for s in parser.sections()}


def test_mape(prediction_csv):
    if not os.path.exists(prediction_csv):
        return None
    with open(prediction_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    errors = [abs(float(r["pred"]) - float(r["real"])) / abs(float(r["real"])) for r in rows]
    return 100 * sum(errors) / len(errors)


def point(hyperparameters, names):
    if hyperparameters is None:
        return "failed"
    def fmt(v):
        return f"{v:g}" if isinstance(v, float) else str(v)
    return ", ".join(f"{n} {fmt(hyperparameters[n])}" for n in names if n in hyperparameters) \
        or "(fixed)"


def number(value):
    return "—" if value is None else f"{value:.2f}"


def spread(values):
    return "" if not values else f"{values[0]:.2f}–{values[-1]:.2f}"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, grid_ini, splits = sys.argv[1], sys.argv[2], sys.argv[3:]
    names = varied(grid_ini)
    table = []
    print("| split | technique | aMLLibrary point | twinprof point | selection MAPE aML / tp "
          "| test MAPE aMLLibrary | test MAPE twinprof | twinprof at aML's point "
          "| aML's own spread |")
    print("|---|---|---|---|---|---:|---:|---:|---:|")
    for split in splits:
        d = os.path.join(out, split)
        with open(os.path.join(d, "aml.json")) as f:
            aml = json.load(f)
        with open(os.path.join(d, "twinprof", "results.json")) as f:
            tp = {t["technique"]: t for t in json.load(f)["techniques"]}
        for technique in TECHNIQUES:
            a = aml.get(technique)
            t = tp.get(technique)
            row = {
                "split": split,
                "technique": technique,
                "aml_point": a and a["hyperparameters"],
                "twinprof_point": t["hyperparameters"] if t and t["ok"] else None,
                "aml_selection_mape": a and a["selection_mape"],
                "twinprof_selection_mape": t["selection"]["mape"] if t and t["ok"] else None,
                "aml_test_mape": a and a["test_mape"],
                "twinprof_test_mape": test_mape(
                    os.path.join(d, "twinprof-test", technique, "prediction.csv")),
                "twinprof_at_aml_point_test_mape": test_mape(
                    os.path.join(d, "at_aml-test", technique, "prediction.csv")),
                "aml_seed_spread": a and a.get("test_mape_seed_spread"),
            }
            table.append(row)
            varies = names.get(technique, [])
            a_test, t_test = row["aml_test_mape"], row["twinprof_test_mape"]
            mark = ""
            if a_test is not None and t_test is not None:
                mark = " ✓" if t_test <= a_test + 1 else " ✗"
            print(f"| {split} | {technique} | {point(row['aml_point'], varies)} "
                  f"| {point(row['twinprof_point'], varies)} "
                  f"| {number(row['aml_selection_mape'])} / "
                  f"{number(row['twinprof_selection_mape'])} "
                  f"| {number(a_test)} | {number(t_test)}{mark} "
                  f"| {number(row['twinprof_at_aml_point_test_mape'])} "
                  f"| {spread(row['aml_seed_spread'])} |")
    with open(os.path.join(out, "table.json"), "w") as f:
        json.dump(table, f, indent=1)


if __name__ == "__main__":
    main()
