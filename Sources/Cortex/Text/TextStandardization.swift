/// How text is normalized before it is split into tokens, as Keras's `standardize` argument.
public enum TextStandardization: String, Sendable, Codable, CaseIterable {
    /// The text as given.
    case none
    /// Unicode lower case (`"Straße"` → `"straße"`, `"ÉTÉ"` → `"été"`).
    case lowercase
    /// Lower case, then the ASCII punctuation that Keras's `lower_and_strip_punctuation` removes
    /// (``TextStandardization/strippedPunctuation``) deleted; letters with diacritics stay.
    case lowercaseAndStripPunctuation

    /// The characters that ``lowercaseAndStripPunctuation`` removes, Keras's set:
    /// `` !"#$%&()*+,-./:;<=>?@[\]^_`{|}~' ``.
    public static let strippedPunctuation: Set<Character> = Set("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'")

    /// Returns `text` standardized.
    ///
    /// - Parameter text: The text to normalize.
    public func apply(_ text: String) -> String {
        switch self {
        case .none: return text
        case .lowercase: return text.lowercased()
        case .lowercaseAndStripPunctuation:
            return String(text.lowercased().filter { !Self.strippedPunctuation.contains($0) })
        }
    }
}
