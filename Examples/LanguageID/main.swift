// Character-level language identification: which of eight languages (de, en, es, fr, it, nl,
// pt, sv) does a single word come from? Data: Data/wordlists, 4,000 training and 1,000 test
// words per language sampled from Debian's word lists (see Data/wordlists/README.md).
//
// Each model is one function from the data to test-set predictions; `report` prints every
// model's accuracy per language and its confusion matrix the same way.
//   ngram: bag of character 1-3-grams + the library's multinomial LogisticRegression (baseline)
//
//   swift run -c release LanguageID [--models ngram] [--data Data/wordlists]
import Cortex
import Foundation

/// The data every model receives.
struct LanguageData {
    let train: LabeledWords
    let test: LabeledWords
    let languages: [String]
}

/// A model: a name for `--models` and the report, and a function that trains on `data.train`
/// and returns predictions for `data.test` (`[n]` class indices or `[n, classes]` scores).
struct LanguageModel {
    let name: String
    let summary: String
    let run: (LanguageData) throws -> Tensor
}

/// The baseline: counts of the 1,000 most frequent character 1-, 2- and 3-grams (within
/// space-padded words), L2-normalized per word, standardized per feature, into a multinomial
/// logistic regression fitted by L-BFGS to its optimum. The sizes and the penalty were chosen on
/// a validation split of the training words (docs/language-id.md).
func characterNGramBaseline(_ data: LanguageData) throws -> Tensor {
    var ngrams = CharacterNGrams(lengths: 1...3, maxFeatures: 1000, normalization: .l2)
    ngrams.adapt(data.train.words)
    var scaler = StandardScaler()
    let x = try scaler.fitTransform(ngrams(data.train.words))
    var model = LogisticRegression(l2: 3e-3, maxIterations: 500)
    try model.fit(x, data.train.labels)
    return model.predict(try scaler.transform(ngrams(data.test.words)))
}

let models = [
    LanguageModel(
        name: "ngram", summary: "character 1-3-grams (1,000, L2-normalized, standardized) + LogisticRegression",
        run: characterNGramBaseline)
]

/// Prints a model's accuracy, per-language accuracy and confusion matrix, and one line in a
/// fixed format (`result <name> accuracy <fraction> seconds <s>`) for scripts and tests.
func report(_ model: LanguageModel, predictions: Tensor, data: LanguageData, seconds: Double) throws {
    let matrix = try ConfusionMatrix(predictions: predictions, labels: data.test.labels, classNames: data.languages)
    print("\n\(model.name): \(model.summary)")
    print(String(format: "test accuracy %.2f%% on %d words, %.1f s\n", matrix.accuracy * 100, matrix.total, seconds))
    print(matrix)
    print(String(format: "result %@ accuracy %.4f seconds %.1f", model.name, matrix.accuracy, seconds))
}

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    return arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}

do {
    let directory = option("--data") ?? "Data/wordlists"
    let chosen = option("--models").map { $0.split(separator: ",").map(String.init) } ?? models.map(\.name)
    if let unknown = chosen.first(where: { name in !models.contains { $0.name == name } }) {
        throw CortexError(
            .invalidArgument, "unknown model \"\(unknown)\"; choose from \(models.map(\.name).joined(separator: ", "))")
    }
    let (train, test, languages) = try WordLanguages.load(directory: directory)
    let data = LanguageData(train: train, test: test, languages: languages)
    print("\(train.count) training and \(test.count) test words, languages \(languages.joined(separator: " "))")
    print(Cortex.blasInfo)
    for model in models where chosen.contains(model.name) {
        let start = DispatchTime.now()
        let predictions = try model.run(data)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        try report(model, predictions: predictions, data: data, seconds: seconds)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
