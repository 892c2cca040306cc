import Foundation

/// Runs a program to its end, with `environment` laid over the test's and `input` on its standard
/// input; both outputs are drained at once (a chatty program cannot block on a full pipe), and the
/// wait is bounded: a program that hangs is killed after `timeout` seconds.
public func runTool(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], input: String? = nil,
                    timeout: Double = 120) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe(), stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    let deadline = killAfter(timeout, process)
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    final class Collected: @unchecked Sendable { var data = Data() }
    let errors = Collected()
    let drained = DispatchGroup()
    DispatchQueue.global().async(group: drained) { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    deadline.cancel()
    drained.wait()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errors.data, as: UTF8.self))
}
