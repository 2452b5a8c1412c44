import Testing

@testable import Cortex

@Suite struct DropoutTests {
    @Test func identityInInferenceInvertedInTraining() {
        let model = Sequential(seed: 3) { Dropout(rate: 0.25) }
        let x = Tensor(ones: [100, 100])
        #expect(model(x).scalars == x.scalars)
        model.isTraining = true
        let y = model(x).scalars
        let dropped = y.filter { $0 == 0 }.count
        #expect(Swift.abs(Float(dropped) / 10_000 - 0.25) < 0.02)
        #expect(y.filter { $0 != 0 }.allSatisfy { Swift.abs($0 - 1 / 0.75) < 1e-6 })
        let p = Parameter(x)
        model(p.tensor).sum().backward()
        #expect(p.grad!.scalars.filter { $0 == 0 }.count > 2000)
    }
}
