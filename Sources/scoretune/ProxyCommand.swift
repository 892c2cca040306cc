import Model
import Runner
import ArgumentParser
import FaultProxy
import Foundation
import Scenario

struct Proxy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the fault proxy on its own: put a Score server or any client behind a played network.",
        discussion: """
        The profile file holds the keys of a scenario's `network:` block (rtt, jitter, bandwidth_per_connection, \
        bandwidth_total, faults: {reset, stall, stall_for, refuse, blackhole, slowdown_503, error_500, lost_answer}, seed). Each injected \
        fault is logged on standard error. A blackhole accepts a \
        connection and never answers it; lost_answer lets the store act on a request and resets the answer. Shipped profiles: scenarios/networks/*.yaml. Runs until Ctrl-C; \
        exit status: 130 stopped by a signal, 1 cannot listen, 2 bad input.
        """)

    @Option(name: .long, help: "Where to listen: 127.0.0.1:PORT.")
    var listen: String

    @Option(name: .long, help: "The store: HOST:PORT.")
    var upstream: String

    @Option(name: .long, help: "A YAML network profile.")
    var profile: String?

    @Flag(name: .long, help: "Print where it listens as one JSON document once it does (faults still go to standard error).")
    var json = false

    struct Listening: Encodable {
        var listen: String
        var upstream: String
        var profile: String?
    }

    func run() async throws {
        guard let (listenHost, listenPort) = split(listen), listenHost == "127.0.0.1" || listenHost == "localhost" else {
            throw CommandFailure(message: "--listen '\(listen)': expected 127.0.0.1:PORT (the proxy listens on loopback only)")
        }
        guard let (host, port) = split(upstream) else { throw CommandFailure(message: "--upstream '\(upstream)': expected HOST:PORT") }
        var network = NetworkProfile()
        if let profile {
            do { network = try NetworkProfileFile.load(path: profile) } catch let error as ScenarioError {
                throw CommandFailure(message: error.description)
            }
        }
        let proxy = FaultProxy(profile: network, upstreamHost: host, upstreamPort: port) { fault in
            Console.error("\(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: fault.time))) connection \(fault.connection): \(fault.kind.rawValue) after \(fault.bytesMoved) bytes\n")
        }
        let bound: Int
        do { bound = try await proxy.start(port: listenPort) } catch {
            throw CommandFailure(message: "--listen \(listen): cannot listen (\(error))", code: 1)
        }
        let task = Task { () -> Void in
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
        // The handlers go in before it says where it listens: whoever reads that may stop it at once.
        _ = Interrupts.cancelOnSignal(task)
        if json { try JSONOutput.print(Listening(listen: "127.0.0.1:\(bound)", upstream: "\(host):\(port)", profile: profile)) }
        Console.error("scoretune proxy: 127.0.0.1:\(bound) → \(host):\(port)\n")
        await task.value
        try await proxy.stop()
        throw ExitCode(130)
    }

    private func split(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        return (String(text[..<colon]), port)
    }
}
