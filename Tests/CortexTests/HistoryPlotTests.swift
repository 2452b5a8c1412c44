import Foundation
import FoundationXML
import Testing

@testable import Cortex

@Suite struct HistoryPlotTests {
    var history: History {
        var h = History()
        h.record(epoch: 0, logs: ["loss": 1.0, "accuracy": 0.5, "val_loss": 1.2, "val_accuracy": 0.45])
        h.record(epoch: 1, logs: ["loss": 0.6, "accuracy": 0.8, "val_loss": 0.8, "val_accuracy": 0.7])
        h.record(epoch: 2, logs: ["loss": 0.4, "accuracy": 0.9, "val_loss": 0.7, "val_accuracy": 0.75])
        return h
    }

    @Test func csv() {
        #expect(
            history.csv == """
                epoch,loss,val_loss,accuracy,val_accuracy
                1,1.0,1.2,0.5,0.45
                2,0.6,0.8,0.8,0.7
                3,0.4,0.7,0.9,0.75

                """)
    }

    final class Collector: NSObject, XMLParserDelegate {
        var elements: [(String, [String: String])] = []
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append((name, attributes))
        }
    }

    @Test func svgHasAxesSeriesAndLegend() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("curves.svg")
        try history.plot(to: url)
        let parser = XMLParser(contentsOf: url)!
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "the SVG is well-formed XML")
        let elements = collector.elements
        #expect(elements.first?.0 == "svg")
        let series = elements.filter { $0.1["class"] == "series" }
        #expect(series.compactMap { $0.1["data-name"] }.sorted() == ["accuracy", "loss", "val_accuracy", "val_loss"])
        for s in series { #expect(s.1["points"]!.split(separator: " ").count == 3) }
        #expect(elements.filter { $0.1["class"]?.hasPrefix("axis") == true }.count == 4)  // x and y, two panels
        #expect(elements.filter { $0.0 == "g" }.compactMap { $0.1["data-title"] } == ["Loss", "Metrics"])
        // SVG's y grows downward: a falling loss has growing y coordinates.
        let lossPoints = series.first { $0.1["data-name"] == "loss" }!.1["points"]!.split(separator: " ")
        let ys = lossPoints.map { Double($0.split(separator: ",")[1])! }
        #expect(ys[0] < ys[1] && ys[1] < ys[2])
    }
}
