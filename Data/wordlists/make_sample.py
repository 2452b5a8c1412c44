#!/usr/bin/env python3
"""Makes the bundled word-language sample (train.tsv, test.tsv) from Debian's word lists.

Needs the Debian packages listed in LANGUAGES installed (apt-get install wamerican wngerman
wfrench wspanish witalian wportuguese wdutch wswedish); standard library only. Deterministic:
the same package versions give byte-identical files. Prints the statistics that README.md quotes.

    python3 Data/wordlists/make_sample.py [--output Data/wordlists]
"""

import argparse
import random
import subprocess
import sys
import unicodedata
from pathlib import Path

# code, Debian package, file in /usr/share/dict, encoding, version the committed sample was made from.
LANGUAGES = [
    ("de", "wngerman", "ngerman", "utf-8", "20161207-11"),
    ("en", "wamerican", "american-english", "utf-8", "2020.12.07-2"),
    ("es", "wspanish", "spanish", "utf-8", "1.0.30"),
    ("fr", "wfrench", "french", "utf-8", "1.2.7-2"),
    ("it", "witalian", "italian", "utf-8", "1.10"),
    ("nl", "wdutch", "dutch", "utf-8", "1:2.20.19-2"),
    ("pt", "wportuguese", "portuguese", "utf-8", "20220621-1"),
    ("sv", "wswedish", "swedish", "latin-1", "1.4.5-3"),
]
# German capitalizes every noun, so an initial capital does not mark a proper noun there.
CAPITALIZED_NOUNS = {"de"}
TRAIN_PER_LANGUAGE = 4000
TEST_PER_LANGUAGE = 1000
SEED = 16
MIN_LENGTH = 2


def installed_version(package):
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def clean(raw, code):
    """The list's usable words: letters only, no proper nouns or acronyms, lower-cased, NFC."""
    words = set()
    for line in raw.splitlines():
        word = unicodedata.normalize("NFC", line.strip())
        # Apostrophes (English possessives and contractions, Italian and French elisions),
        # hyphenated compounds, multi-word entries, digits and abbreviations with dots go.
        if not word or not word.isalpha():
            continue
        if any(c.isupper() for c in word[1:]):
            continue  # acronyms (DNA, CDU) and mixed case (McDonald, GmbH)
        if word[0].isupper() and code not in CAPITALIZED_NOUNS:
            continue  # proper nouns: names, places, languages
        word = word.lower()
        if len(word) >= MIN_LENGTH:
            words.add(word)
    return words


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--dict", type=Path, default=Path("/usr/share/dict"))
    args = parser.parse_args()

    raw_counts, cleaned = {}, {}
    for code, package, filename, encoding, expected in LANGUAGES:
        version = installed_version(package)
        if version is None:
            sys.exit(f"{package} is not installed (apt-get install {package})")
        if version != expected:
            print(f"warning: {package} {version} differs from {expected}; the sample will differ", file=sys.stderr)
        text = (args.dict / filename).read_text(encoding=encoding)
        raw_counts[code] = sum(1 for line in text.splitlines() if line.strip())
        cleaned[code] = clean(text, code)

    # A word in two lists cannot be attributed to one language: it leaves every list.
    owners = {}
    for code, words in cleaned.items():
        for word in words:
            owners.setdefault(word, []).append(code)
    shared = {word for word, codes in owners.items() if len(codes) > 1}
    codes = [language[0] for language in LANGUAGES]
    pairwise = {(a, b): 0 for a in codes for b in codes}
    for word in shared:
        for a in owners[word]:
            for b in owners[word]:
                if a != b:
                    pairwise[a, b] += 1

    rng = random.Random(SEED)
    per_language = TRAIN_PER_LANGUAGE + TEST_PER_LANGUAGE
    train, test, unique_counts = [], [], {}
    for code in codes:
        unique = sorted(cleaned[code] - shared)
        unique_counts[code] = len(unique)
        if len(unique) < per_language:
            sys.exit(f"{code}: only {len(unique)} words left after cleaning, need {per_language}")
        chosen = rng.sample(unique, per_language)
        train += [(word, code) for word in chosen[:TRAIN_PER_LANGUAGE]]
        test += [(word, code) for word in chosen[TRAIN_PER_LANGUAGE:]]
    rng.shuffle(train)
    rng.shuffle(test)

    args.output.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train.tsv", train), ("test.tsv", test)):
        with open(args.output / name, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(f"{word}\t{code}\n" for word, code in rows)

    print("| code | package | version | words in list | after cleaning | in other lists | unique |")
    print("|---|---|---|---:|---:|---:|---:|")
    for code, package, _, _, _ in LANGUAGES:
        overlap = len(cleaned[code]) - unique_counts[code]
        print(
            f"| {code} | {package} | {installed_version(package)} | {raw_counts[code]:,} | "
            f"{len(cleaned[code]):,} | {overlap:,} | {unique_counts[code]:,} |"
        )
    print(f"\nwords removed as shared by two or more lists: {len(shared):,}")
    print("\nshared words by pair (row list, column list):\n")
    print("| | " + " | ".join(codes) + " |")
    print("|---" * (len(codes) + 1) + "|")
    for a in codes:
        print(f"| {a} | " + " | ".join("" if a == b else f"{pairwise[a, b]:,}" for b in codes) + " |")
    lengths = sorted(len(word) for word, _ in train + test)
    print(
        f"\nsample: {len(train):,} train + {len(test):,} test words; length min {lengths[0]}, "
        f"median {lengths[len(lengths) // 2]}, 99th percentile {lengths[len(lengths) * 99 // 100]}, max {lengths[-1]}"
    )
    for code in codes:
        ls = sorted(len(w) for w, c in train + test if c == code)
        print(f"  {code}: mean length {sum(ls) / len(ls):.1f}, max {ls[-1]}")


if __name__ == "__main__":
    main()
