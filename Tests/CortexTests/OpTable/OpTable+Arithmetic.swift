@testable import Cortex

/// `Tensor/Arithmetic.swift`: broadcasting binary operators, operators with a Float, negation,
/// compound assignment, `squared()` and `pow(_:)`.
extension OpTable {
    static let arithmetic: [OpInfo] = [
        .broadcasting("+(Tensor,Tensor)") { $0 + $1 },
        .broadcasting("-(Tensor,Tensor)") { $0 - $1 },
        .broadcasting("*(Tensor,Tensor)") { $0 * $1 },
        .broadcasting("/(Tensor,Tensor)", rhs: nonzero) { $0 / $1 },
        .broadcasting("+=(inout Tensor,Tensor)") { a, b in
            var a = a
            a += b
            return a
        },
        .broadcasting("-=(inout Tensor,Tensor)") { a, b in
            var a = a
            a -= b
            return a
        },
        .broadcasting("*=(inout Tensor,Tensor)") { a, b in
            var a = a
            a *= b
            return a
        },
        .elementwise("*=(inout Tensor,Float)") { a in
            var a = a
            a *= -1.25
            return a
        },
        .elementwise("-(Tensor)") { -$0 },
        .elementwise("+(Tensor,Float)") { $0 + 1.5 },
        .elementwise("+(Float,Tensor)") { 1.5 + $0 },
        .elementwise("-(Tensor,Float)") { $0 - 0.75 },
        .elementwise("-(Float,Tensor)") { 0.75 - $0 },
        .elementwise("*(Tensor,Float)") { $0 * 2.5 },
        .elementwise("*(Float,Tensor)") { -2.5 * $0 },
        .elementwise("/(Tensor,Float)") { $0 / 4 },
        .elementwise("/(Float,Tensor)", domain: nonzero) { 3 / $0 },
        .elementwise("squared()") { $0.squared() },
        OpInfo(
            "pow(_:)",
            [
                (Float(3), Domain.uniform(-2...2)), (2, .uniform(-2...2)), (0.5, .uniform(0.25...3)),
                (-1.5, .uniform(0.25...3)), (2.5, .uniform(0.25...3)),
            ]
            .flatMap { exponent, domain in
                [[7], [2, 3, 2]].map { shape in
                    OpSample("\(shape) ^ \(exponent)", [domain.tensor(shape, seed: 1)], shape: shape) {
                        $0[0].pow(exponent)
                    }
                }
            }),
    ]

    /// Divisors kept away from zero.
    static let nonzero = Domain.avoiding([0], margin: 0.5, in: -2...2)
}
