"""``python -m newsgraph.train``: train an entity tagger on CoNLL-format files.

The bundled model is made with (``make model`` runs both steps)::

    python training/build_resources.py --out build/ner-resources
    python -m newsgraph.train ../shared/data/conll2003/eng.train \\
        --dev ../shared/data/conll2003/eng.testa \\
        --gazetteers build/ner-resources/gazetteers.tsv \\
        --clusters build/ner-resources/clusters.tsv \\
        --out python/newsgraph/models/ner-en.bin

Train your own on any CoNLL-format file (word first, IOB1/IOB2 entity tag last, blank
lines between sentences, ``-DOCSTART-`` between documents) and load it with
``newsgraph.load_tagger(path)``. The same inputs and ``--seed`` give the same model.
"""

from __future__ import annotations

import argparse
import sys
import time

from .exceptions import NewsgraphError
from .ner import ENTITY_TYPES, f1, train_tagger


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m newsgraph.train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("train", help="CoNLL-format training file")
    ap.add_argument("--dev", help="CoNLL-format file to pick the best epoch and report on")
    ap.add_argument("--gazetteers", help="CATEGORY<TAB>phrase file")
    ap.add_argument("--clusters", help="word<TAB>c1<TAB>c2<TAB>c3 file")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--prune", type=float, default=0.02, help="drop features whose weights all stay below this"
    )
    ap.add_argument(
        "--folds",
        type=int,
        default=5,
        help="jackknife folds for the document-level second stage (<2: none)",
    )
    ap.add_argument("--out", required=True, help="where to write the model")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()

    def progress(stage: int, epoch: int, mistakes: int, tokens: int, dev_f1: float | None):
        dev = f"  dev F1 {dev_f1:.4f}" if dev_f1 is not None else ""
        print(
            f"stage {stage} epoch {epoch:2d}  mistakes {mistakes:6d}/{tokens:6d}{dev}"
            f"  {time.perf_counter() - t0:6.1f} s",
            flush=True,
        )

    try:
        tagger, report = train_tagger(
            args.train,
            args.dev,
            gazetteers=args.gazetteers,
            clusters=args.clusters,
            epochs=args.epochs,
            seed=args.seed,
            prune=args.prune,
            folds=args.folds,
            out=args.out,
            progress=progress,
        )
    except (NewsgraphError, OSError) as e:
        print(f"newsgraph.train: error: {e}", file=sys.stderr)
        return 1
    on = "dev" if args.dev else "train"
    for name in (*ENTITY_TYPES, "ALL"):
        tp, pred, gold = report[name]
        print(
            f"{name:5s} F1 {f1(report[name]):.4f}  (tp {tp}, predicted {pred}, gold {gold}) on {on}"
        )
    print(
        f"wrote {args.out}: {tagger.n_features:,} features, "
        f"{len(tagger.gazetteers)} gazetteer categories, {tagger.n_clusters:,} clustered words"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
