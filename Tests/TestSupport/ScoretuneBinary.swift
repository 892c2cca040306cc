import Foundation
import XCTest

/// The built `scoretune` executable, run as users run it. It sits in the same build products
/// folder as the test bundle.
public enum ScoretuneBinary {
    public static var url: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? Bundle.main.bundlePath)
        while dir.pathExtension == "xctest" || dir.lastPathComponent.hasSuffix(".xctest") { dir.deleteLastPathComponent() }
        let beside = dir.appendingPathComponent("scoretune")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return LocalBackend.packageRoot.appendingPathComponent(".build/debug/scoretune")
    }

    /// Runs to the end; returns the exit status and both outputs.
    public static func run(_ arguments: [String], environment: [String: String] = [:],
                           directory: URL? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = try start(arguments, environment: environment, directory: directory)
        let outData = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
        let errData = (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Starts it in the background with piped output (for tests that signal it mid-run).
    public static func start(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }
}

/// Kills `process` with SIGKILL after `seconds` unless the returned item is cancelled first (call
/// `cancel()` once it has ended): a test's wait on a child is bounded.
public func killAfter(_ seconds: Double, _ process: Process) -> DispatchWorkItem {
    let pid = process.processIdentifier
    let item = DispatchWorkItem { kill(pid, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: item)
    return item
}
