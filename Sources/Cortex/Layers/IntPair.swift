/// Two sizes along the height and width axes: a kernel size, strides or a pool size.
///
/// Written as one integer for both axes (`kernelSize: 3`), a tuple (`strides: (2, 1)`), or an
/// array literal (`poolSize: [2, 2]`), as Keras accepts an int or a pair.
public struct IntPair: Hashable, Sendable, Codable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// The size along the height (rows) axis.
    public var height: Int
    /// The size along the width (columns) axis.
    public var width: Int

    /// The pair `(height, width)`.
    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// The same size along both axes.
    public init(_ both: Int) { self.init(both, both) }

    /// The pair from a `(height, width)` tuple.
    public init(_ pair: (Int, Int)) { self.init(pair.0, pair.1) }

    /// The same size along both axes.
    public init(integerLiteral value: Int) { self.init(value) }

    /// `[height, width]`.
    public init(arrayLiteral elements: Int...) {
        check(elements.count == 2, "a size pair needs two values [height, width], got \(elements)")
        self.init(elements[0], elements[1])
    }

    /// `(height, width)`.
    public var tuple: (Int, Int) { (height, width) }

    /// Whether both sizes are positive.
    var isPositive: Bool { height > 0 && width > 0 }

    /// `3` for a square pair, `(3, 1)` otherwise.
    public var description: String { height == width ? "\(height)" : "(\(height), \(width))" }
}
