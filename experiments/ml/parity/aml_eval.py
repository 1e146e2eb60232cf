#!/usr/bin/python3
"""Reads one aMLLibrary run for the parity table: each technique's chosen hyperparameters (from
its pickled final model, refitted by aMLLibrary on every training row), its HP-selection MAPE
(results.txt, "MAPE for all techniques"), and its MAPE on the test rows, predicted by that
pickled model exactly as aMLLibrary's predict.py does (Regressor.predict on the raw columns).

    PYTHONPATH=AML_SOURCE:STUBS aml_eval.py AML_OUT TRAIN_CSV TEST_CSV Y OUT_JSON [POINTS_INI]

scikit-learn's trees break ties between equally good splits at random (aMLLibrary leaves
random_state unset), so its DecisionTree and RandomForest differ from run to run. For those two,
the same estimator is refitted on the same prepared training rows with random_state 0..SEEDS-1
(SEEDS = 10) and the spread of its test MAPE is reported: how far aMLLibrary's own figure moves.

POINTS_INI, when given, receives one technique section per technique holding aMLLibrary's chosen
point (each value a list of one), for refitting twinprof at exactly that point. Run it with
aMLLibrary's source on the path: the pickles hold its Regressor objects.
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


class Recorder:
    """Stands in for a Regressor's estimator to catch the prepared, scaled feature matrix."""

    def predict(self, matrix):
        self.matrix = matrix.to_numpy(dtype=float)
        return np.zeros(len(matrix))


def prepared(regressor, frame):
    """The feature matrix `regressor`'s estimator sees for `frame` (aMLLibrary's preparation and
    scaling, as Regressor.predict applies them)."""
    estimator, recorder = regressor._regressor, Recorder()
    regressor._regressor = recorder
    try:
        regressor.predict(frame.copy())
    finally:
        regressor._regressor = estimator
    return recorder.matrix


def seed_spread(regressor, train, x_test, real, y, seeds=10):
    """[min, median, max] test MAPE (%) of the regressor's estimator refitted with random_state
    0..seeds-1 on the training rows, prepared and scaled as aMLLibrary's final refit did."""
    import sklearn.base
    x_train = prepared(regressor, train.drop(columns=[y]))
    x_rows = prepared(regressor, x_test)
    y_train = train[y].to_numpy(dtype=float).reshape(-1, 1)
    y_scaler = regressor._scalers.get(y)
    if y_scaler is not None:
        y_train = y_scaler.transform(y_train)
    mapes = []
    for seed in range(seeds):
        estimator = sklearn.base.clone(regressor._regressor).set_params(random_state=seed)
        estimator.fit(x_train, y_train.ravel())
        pred = estimator.predict(x_rows).reshape(-1, 1)
        if y_scaler is not None:
            pred = y_scaler.inverse_transform(pred)
        mapes.append(100 * float(np.mean(np.abs(pred.ravel() - real) / np.abs(real))))
    mapes.sort()
    return [mapes[0], mapes[len(mapes) // 2], mapes[-1]]


def plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    out_dir, train_csv, test_csv, y, out_json = sys.argv[1:6]
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
        spread = None
        if technique in ("DecisionTree", "RandomForest"):
            spread = seed_spread(regressor, pd.read_csv(train_csv), x, real, y)
        result[technique] = {
            "hyperparameters": hypers,
            "train_mape": None if train_mape is None else 100 * train_mape,
            "selection_mape": None if selection_mape is None else 100 * selection_mape,
            "validation_mape": None if validation_mape is None else 100 * validation_mape,
            "test_mape": 100 * test_mape,
            "test_mape_seed_spread": spread,
            "predictions": pred.tolist(),
        }
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1)
    if len(sys.argv) == 7:
        with open(sys.argv[6], "w") as f:
            for technique, r in result.items():
                f.write(f"[{technique}]\n")
                for name, value in r["hyperparameters"].items():
                    f.write(f"{name} = [{value!r}]\n")
                f.write("\n")


if __name__ == "__main__":
    main()
