#!/usr/bin/python3
"""Reads one aMLLibrary run for the parity table: each technique's chosen hyperparameters (from
its pickled final model, refitted by aMLLibrary on every training row), its HP-selection MAPE
(results.txt, "MAPE for all techniques"), and its MAPE on the test rows, predicted by that
pickled model exactly as aMLLibrary's predict.py does (Regressor.predict on the raw columns).

    PYTHONPATH=AML_SOURCE:STUBS aml_eval.py AML_OUT TEST_CSV Y OUT_JSON [POINTS_INI]

POINTS_INI, when given, receives one technique section per technique holding aMLLibrary's chosen
point (each value a list of one), for refitting twinprof at exactly that point. Run it with aMLLibrary's source on the path: the pickles hold its Regressor objects.
"""
import glob
import json
import os
import re
import sys

import numpy as np
import pandas as pd


def selection_mapes(results_txt):
    """{'LRRidge': (training, hp_selection, validation), ...} as fractions, from the last
    "MAPE for all techniques" block of results.txt."""
    from model_building.experiment_configuration import enum_to_configuration_label
    labels = {str(k): v for k, v in enum_to_configuration_label.items()}
    line = re.compile(r"(Technique\.\w+)\s*: \(Training ([-\d.e+naninf]+) - HP Selection "
                      r"([-\d.e+naninf]+)\) - Validation ([-\d.e+naninf]+)")
    out = {}
    with open(results_txt) as f:
        for text in f:
            m = line.search(text)
            if m and m.group(1) in labels:
                out[labels[m.group(1)]] = tuple(float(m.group(i)) for i in (2, 3, 4))
    return out


def plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    out_dir, test_csv, y, out_json = sys.argv[1:5]
    import pickle
    # What aMLLibrary's predict.py imports before unpickling: Regressor.predict needs these
    # modules loaded and does not import them itself.
    import model_building.predictor  # noqa: F401
    test = pd.read_csv(test_csv)
    real = test[y].to_numpy(dtype=float)
    x = test.drop(columns=[y])
    mapes = selection_mapes(os.path.join(out_dir, "results.txt"))
    result = {}
    for path in sorted(glob.glob(os.path.join(out_dir, "*.pickle"))):
        technique = os.path.basename(path)[:-len(".pickle")]
        if technique == "best" or technique.endswith("_training"):
            continue
        with open(path, "rb") as f:
            regressor = pickle.load(f)
        pred = np.asarray(regressor.predict(x), dtype=float).reshape(-1)
        test_mape = float(np.mean(np.abs(pred - real) / np.maximum(np.abs(real),
                                                                    np.finfo(float).eps)))
        # aMLLibrary adds a "dummy" key to every point; it is no hyperparameter.
        hypers = {k: plain(v) for k, v in (regressor._hypers or {}).items() if k != "dummy"}
        train_mape, selection_mape, validation_mape = mapes.get(technique, (None,) * 3)
        result[technique] = {
            "hyperparameters": hypers,
            "train_mape": None if train_mape is None else 100 * train_mape,
            "selection_mape": None if selection_mape is None else 100 * selection_mape,
            "validation_mape": None if validation_mape is None else 100 * validation_mape,
            "test_mape": 100 * test_mape,
            "predictions": pred.tolist(),
        }
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1)
    if len(sys.argv) == 6:
        with open(sys.argv[5], "w") as f:
            for technique, r in result.items():
                f.write(f"[{technique}]\n")
                for name, value in r["hyperparameters"].items():
                    f.write(f"{name} = [{value!r}]\n")
                f.write("\n")


if __name__ == "__main__":
    main()
