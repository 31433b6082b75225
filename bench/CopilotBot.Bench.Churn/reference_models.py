#!/usr/bin/env python3
"""Reference GBDTs for the churn bench: scikit-learn HistGradientBoostingClassifier and xgboost.

Usage: reference_models.py DATA.csv FOLDS.csv PARAMS.json
  FOLDS.csv has columns id,fold (written by the C# bench so both sides use identical folds).
  PARAMS.json holds the C# defaults (label/id column names, learning rate, leaves, ...) for the "matched" configs.
Prints one JSON object per line: {"model", "fold", "auc", "train_seconds", "trees"} or {"error": ...}.
Single-threaded: OMP_NUM_THREADS=1 is set before importing the libraries and xgboost gets n_jobs=1.
"""
import json
import os
import sys
import time

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"


def emit(obj):
    print(json.dumps(obj), flush=True)


def main():
    data_path, folds_path, params_path = sys.argv[1:4]
    with open(params_path) as f:
        p = json.load(f)
    try:
        import numpy as np
        import pandas as pd
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import train_test_split
    except ImportError as e:
        emit({"error": f"numpy/pandas/scikit-learn not importable ({e}); install python3-sklearn python3-pandas"})
        return

    raw = pd.read_csv(data_path, dtype=str, keep_default_na=False)
    folds = pd.read_csv(folds_path, dtype={"id": str, "fold": int}).set_index("id")["fold"]
    fold_of_row = raw[p["idColumn"]].map(folds).to_numpy()
    y = (raw[p["labelColumn"]].str.strip().str.lower() == p["positiveLabel"].lower()).astype(int).to_numpy()
    features = raw.drop(columns=[p["idColumn"], p["labelColumn"]])

    # Same typing rule as the C# reader: numeric if every non-blank cell parses, blank = missing.
    X = pd.DataFrame(index=features.index)
    categorical = []
    for c in features.columns:
        stripped = features[c].str.strip()
        numeric = pd.to_numeric(stripped.replace("", np.nan), errors="coerce")
        if numeric.isna().sum() == (stripped == "").sum():
            X[c] = numeric.astype(float)
        else:
            X[c] = pd.Categorical(stripped.replace("", np.nan))
            categorical.append(c)
    X_codes = X.copy()
    for c in categorical:
        codes = X[c].cat.codes.astype(float)
        X_codes[c] = codes.where(codes >= 0, np.nan)
    cat_mask = [c in categorical for c in X.columns]

    configs = []
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
        import sklearn

        def hgb_default():
            return HistGradientBoostingClassifier(categorical_features=cat_mask, random_state=0)

        def hgb_matched():
            return HistGradientBoostingClassifier(
                categorical_features=cat_mask, learning_rate=p["learningRate"], max_iter=p["numRounds"],
                max_leaf_nodes=p["maxLeaves"], max_depth=p["maxDepth"], min_samples_leaf=p["minSamplesLeaf"],
                l2_regularization=p["l2"], max_bins=min(255, p["maxBins"]), early_stopping=True, scoring="loss",
                validation_fraction=p["validationFraction"], n_iter_no_change=p["earlyStoppingRounds"], random_state=0)

        configs.append((f"sklearn-hgb {sklearn.__version__} defaults", "sklearn", hgb_default))
        configs.append((f"sklearn-hgb {sklearn.__version__} matched", "sklearn", hgb_matched))
    except ImportError as e:
        emit({"error": f"scikit-learn HistGradientBoostingClassifier not importable ({e})"})

    try:
        import xgboost as xgb

        def xgb_default():
            return xgb.XGBClassifier(tree_method="hist", enable_categorical=True, n_jobs=1, random_state=0)

        def xgb_matched():
            return xgb.XGBClassifier(
                tree_method="hist", enable_categorical=True, n_jobs=1, random_state=0,
                learning_rate=p["learningRate"], n_estimators=p["numRounds"], max_depth=p["maxDepth"],
                max_leaves=p["maxLeaves"], grow_policy="lossguide", reg_lambda=p["l2"],
                subsample=p["rowSubsample"], colsample_bytree=p["featureSubsample"], max_bin=min(256, p["maxBins"] + 1),
                early_stopping_rounds=p["earlyStoppingRounds"], eval_metric="logloss")

        configs.append((f"xgboost {xgb.__version__} defaults", "xgb", xgb_default))
        configs.append((f"xgboost {xgb.__version__} matched", "xgb-es", xgb_matched))
    except ImportError as e:
        emit({"error": f"xgboost not importable ({e})"})

    for name, kind, make in configs:
        for fold in sorted(set(fold_of_row)):
            train, test = fold_of_row != fold, fold_of_row == fold
            Xs = X_codes if kind == "sklearn" else X
            X_train, y_train = Xs[train], y[train]
            # The machine may be shared: fit several times and keep the fastest (fits are seeded, so identical).
            seconds = float("inf")
            for _ in range(int(p.get("repeats", 1))):
                model = make()
                if kind == "xgb-es":
                    # xgboost needs an explicit holdout for early stopping; same fraction as the C# default.
                    X_fit, X_val, y_fit, y_val = train_test_split(
                        X_train, y_train, test_size=p["validationFraction"], stratify=y_train, random_state=int(fold))
                    start = time.perf_counter()
                    model.fit(X_fit, y_fit, eval_set=[(X_val, y_val)], verbose=False)
                    seconds = min(seconds, time.perf_counter() - start)
                    trees = int(model.best_iteration) + 1
                else:
                    start = time.perf_counter()
                    model.fit(X_train, y_train)
                    seconds = min(seconds, time.perf_counter() - start)
                    trees = int(getattr(model, "n_iter_", getattr(model, "n_estimators", 0)) or 0)
            auc = roc_auc_score(y[test], model.predict_proba(Xs[test])[:, 1])
            emit({"model": name, "fold": int(fold), "auc": float(auc), "train_seconds": seconds, "trees": trees})


if __name__ == "__main__":
    main()
