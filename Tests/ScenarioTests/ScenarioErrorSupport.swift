import Scenario
import XCTest

extension XCTestCase {
    /// The one-line error a scenario text gives, or a test failure when the text was accepted.
    func scenarioError(_ text: String, path: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try ScenarioLoader.parse(text: text, path: path)
            XCTFail("accepted:\n\(text)", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }
}
