import Foundation
import Testing

@testable import Cortex

@Suite struct RegularizationTests {
    @Test func regularizersAddTheirPenaltyToTheLoss() throws {
        let model = Sequential(seed: 1) {
            Dense(units: 2, kernelRegularizer: .l2(0.1), biasRegularizer: .l1(0.5))
            Dense(units: 1, kernelRegularizer: .l1l2(l1: 0.01, l2: 0.02))
        }
        try model.build(inputShape: [3])
        let (d0, d1) = (model.layers[0] as! Dense, model.layers[1] as! Dense)
        d0.bias!.value = Tensor([1, -2])
        let w0 = d0.kernel.value.scalars, w1 = d1.kernel.value.scalars
        let expected =
            0.1 * w0.map { $0 * $0 }.reduce(0, +) + 0.5 * 3
            + 0.01 * w1.map(Swift.abs).reduce(0, +) + 0.02 * w1.map { $0 * $0 }.reduce(0, +)
        #expect(Swift.abs(model.regularizationLoss().scalar - expected) < 1e-5)
        model.regularizationLoss().backward()
        expectClose(d0.kernel.grad!.scalars, w0.map { 0.2 * $0 })
        #expect(d0.bias!.grad!.scalars == [0.5, -0.5])
        #expect(Sequential { Dense(units: 1) }.regularizationLoss().scalar == 0)
    }

    @Test func schedules() {
        let exponential = ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5)
        #expect(Swift.abs(exponential.learningRate(at: 10) - 0.05) < 1e-7)
        #expect(Swift.abs(exponential.learningRate(at: 5) - 0.1 * Float(0.5.squareRoot())) < 1e-7)
        let stairs = ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true)
        #expect(stairs.learningRate(at: 19) == 0.05)
        let cosine = CosineDecay(initialLearningRate: 1, decaySteps: 100, alpha: 0.1, warmupSteps: 10)
        #expect(cosine.learningRate(at: 0) == 0.1 && cosine.learningRate(at: 9) == 1)
        #expect(Swift.abs(cosine.learningRate(at: 60) - 0.55) < 1e-6)
        #expect(Swift.abs(cosine.learningRate(at: 500) - 0.1) < 1e-6)
        let piecewise = PiecewiseConstant(boundaries: [10, 20], values: [1, 0.5, 0.1])
        #expect([0, 9, 10, 19, 20, 100].map(piecewise.learningRate(at:)) == [1, 1, 0.5, 0.5, 0.1, 0.1])
        let warm = LinearWarmup(warmupSteps: 4, then: PiecewiseConstant(boundaries: [10], values: [0.8, 0.1]))
        #expect([0, 3, 4, 12].map(warm.learningRate(at:)) == [0.2, 0.8, 0.8, 0.1])
        // The optimizer follows its schedule step by step.
        let p = Parameter(Tensor([0]))
        let sgd = SGD(learningRate: 123, schedule: piecewise)
        for _ in 0..<12 {
            p.grad = Tensor([1])
            sgd.step([p])
        }
        #expect(Swift.abs(p.value.scalar - -(10 * 1 + 2 * 0.5)) < 1e-5)
    }

    @Test func reduceOnPlateauAndRestoreBestWeights() throws {
        let model = Sequential(seed: 2) { Dense(units: 1) }
        model.compile(optimizer: SGD(learningRate: 0.1), loss: .meanSquaredError)
        try model.build(inputShape: [1])
        let reducer = ReduceLROnPlateau(monitor: "loss", factor: 0.5, patience: 2)
        for (epoch, loss) in [Float(1), 0.9, 0.95, 0.92, 0.91, 0.97].enumerated() {
            reducer.epochDidEnd(epoch, logs: ["loss": loss], model: model)
        }
        #expect(model.optimizer!.learningRate == 0.025)  // two plateaus of two epochs

        let stopper = EarlyStopping(monitor: "val_loss", patience: 1, restoreBestWeights: true)
        stopper.trainingWillBegin(model: model)
        let dense = model.layers[0] as! Dense
        dense.bias!.value = Tensor([1])
        stopper.epochDidEnd(0, logs: ["val_loss": 0.5], model: model)
        dense.bias!.value = Tensor([2])
        stopper.epochDidEnd(1, logs: ["val_loss": 0.7], model: model)
        #expect(model.stopTraining && dense.bias!.value.scalars == [1])
    }
}
