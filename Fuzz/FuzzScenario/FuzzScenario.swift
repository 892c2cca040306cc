// libFuzzer target: scenario YAML -> ScenarioLoader.parse -> cells, on S3 and Azure defaults; and
// the same text as a network profile file (`scoretune proxy --profile`, `network: FILE`).
import Foundation
import Model
import Scenario

private let s3Defaults = Knobs(uploadPartSize: 20_000_000, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                               stallTimeoutMilliseconds: 60_000, parallel: 4, clients: 1)
private var azureDefaults: Knobs { var k = s3Defaults; k.blockSize = 4 << 20; return k }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return -1 }
    do { _ = try NetworkProfileFile.parse(text: text, path: "fuzz-profile.yaml").faults } catch { _ = "\(error)" }
    let scenario: Scenario
    do { scenario = try ScenarioLoader.parse(text: text, path: "fuzz.yaml") } catch { _ = "\(error)"; return 0 }
    _ = (scenario.largestObject, scenario.totalBytesPerRepetition)
    for defaults in [s3Defaults, azureDefaults] {
        guard let cells = try? scenario.cells(defaults: defaults) else { continue }
        // The checker promises the grid stays within the run's limit.
        if cells.count > ScenarioLimits.cells { fatalError("\(cells.count) cells > \(ScenarioLimits.cells)") }
        for cell in cells { _ = cell.label }
    }
    return 0
}
