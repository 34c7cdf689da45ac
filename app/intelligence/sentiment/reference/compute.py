"""Reference compounds for app/intelligence/sentiment from the Python VADER implementation.

Scores every text of corpus.json (the scorer's labelled texts, written by
write-corpus-testing.ts) and a fixed sample of the Amazon product-review snippets with the
human ratings of Hutto & Gilbert (2014), using the canonical Python implementation
(github.com/cjhutto/vaderSentiment, MIT). Neither is installed from a registry here, so the
script takes a checkout of that repository:

    python3 compute.py /path/to/vaderSentiment

(the snippets come from its additional_resources/hutto_ICWSM_2014.tar.gz). Writes
fixtures.json beside this file. Needs only the standard library.
"""

import io
import json
import os
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
# Every 5th of the 3,708 Amazon snippets: ~740 labelled product-review sentences.
AMAZON_STEP = 5


def main(checkout: str) -> None:
    sys.path.insert(0, checkout)
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

    analyzer = SentimentIntensityAnalyzer()
    with open(os.path.join(HERE, "corpus.json"), encoding="utf-8") as f:
        corpus = json.load(f)
    texts = [
        {**row, "python": analyzer.polarity_scores(row["text"])["compound"]} for row in corpus
    ]

    tar_path = os.path.join(checkout, "additional_resources", "hutto_ICWSM_2014.tar.gz")
    with tarfile.open(tar_path) as tar:
        member = tar.extractfile("hutto_ICWSM_2014/amazonReviewSnippets_GroundTruth.txt")
        lines = io.TextIOWrapper(member, encoding="utf-8", errors="replace").read().splitlines()
    amazon = []
    for i, line in enumerate(lines):
        if i % AMAZON_STEP:
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        text = parts[2].strip()
        amazon.append(
            {
                "text": text,
                # Mean of 20 human ratings on [-4, 4].
                "human": float(parts[1]),
                "python": analyzer.polarity_scores(text)["compound"],
            }
        )

    with open(os.path.join(HERE, "fixtures.json"), "w", encoding="utf-8") as f:
        json.dump({"texts": texts, "amazon": amazon}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(texts)} corpus texts, {len(amazon)} Amazon snippets")


if __name__ == "__main__":
    main(sys.argv[1])
