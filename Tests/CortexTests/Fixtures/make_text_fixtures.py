"""Regenerates char_ngrams_sklearn.json: scikit-learn's character n-gram counts, the reference
for CharacterNGrams (run from the repo root; needs scikit-learn).

    python3 Tests/CortexTests/Fixtures/make_text_fixtures.py

CI does not run this; the JSON it writes is committed.
"""
import json
import pathlib

import sklearn
from sklearn.feature_extraction.text import CountVectorizer

here = pathlib.Path(__file__).resolve().parent

# Letters with diacritics, capitals, a one-letter word, several words, a run of spaces, an
# empty text; no lone tab or newline (scikit-learn's `char` analyzer collapses only runs of two
# or more whitespace characters, Cortex every run).
texts = ["Straße", "ÉTÉ", "a", "dobbelsteenworp", "über den  Fluss", "año", "", "aa aa", "på väg"]

result = {"sklearn": sklearn.__version__, "texts": texts}
for analyzer in ("char_wb", "char"):
    vectorizer = CountVectorizer(analyzer=analyzer, ngram_range=(1, 3), lowercase=True)
    counts = vectorizer.fit_transform(texts).toarray()
    names = vectorizer.get_feature_names_out()
    result[analyzer] = [
        {str(names[j]): int(row[j]) for j in range(len(names)) if row[j]} for row in counts
    ]
    result[analyzer + "_corpus"] = {str(names[j]): int(counts[:, j].sum()) for j in range(len(names))}

with open(here / "char_ngrams_sklearn.json", "w", encoding="utf-8") as f:
    json.dump(result, f, indent=1, ensure_ascii=False, sort_keys=True)
print("wrote", here / "char_ngrams_sklearn.json")
