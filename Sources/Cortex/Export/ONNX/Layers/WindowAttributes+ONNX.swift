extension ONNX.AttributeProto {
    /// `kernel_shape`, `strides` and explicit `pads` of a sliding window (`Conv`, `MaxPool`,
    /// `AveragePool`) over the spatial axes `spatialShape`. `.same` padding follows Keras's
    /// rule (the odd extra row or column after), through ``ConvGeometry``; ONNX's `pads` list
    /// every axis's start, then every axis's end.
    static func window(_ window: [Int], strides: [Int], padding: Padding, spatialShape: [Int]) -> [Self] {
        check(
            window.count == spatialShape.count && strides.count == spatialShape.count,
            "ONNX window \(window), strides \(strides) do not fit spatial shape \(spatialShape)")
        var starts: [Int] = [], ends: [Int] = []
        for axis in spatialShape.indices {
            let (size, k, s) = (spatialShape[axis], window[axis], strides[axis])
            let (out, before) = ConvGeometry.outputSize(size, window: k, stride: s, padding: padding)
            let total = padding == .same ? max((out - 1) * s + k - size, 0) : 0
            starts.append(before)
            ends.append(total - before)
        }
        return [.ints("kernel_shape", window), .ints("strides", strides), .ints("pads", starts + ends)]
    }
}
