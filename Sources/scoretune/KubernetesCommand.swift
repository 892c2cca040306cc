import ArgumentParser
import Foundation
import Model
import Scenario

struct Kubernetes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s",
        abstract: "Print Kubernetes manifests that run a scenario on N workers at once as an Indexed Job.",
        discussion: """
        Prints a ConfigMap with the scenario and an Indexed Job (completionMode: Indexed, completions = parallelism = N) \
        whose pods are the workers: each reads its rank from JOB_COMPLETION_INDEX, the .env.score from an existing \
        Secret (never embedded: create it with `kubectl create secret generic NAME --from-file=.env.score`), and \
        uploads its database to the object bucket when it ends. Apply them with `kubectl apply -f`, and when the Job \
        has completed merge with `scoretune merge --tag TAG --env .env.score`. backoffLimit is 0: a worker started \
        again would start over while the others are cells ahead; run again under a new tag instead (and \
        `scoretune clean --tag` the old one). Exit status: 0 printed, 2 bad input.
        """)

    @Argument(help: "The scenario file (YAML); its env: is ignored (the pods read the Secret).")
    var scenario: String

    @Option(name: .long, help: "How many workers (pods), 1 to 1024.")
    var workers: Int

    @Option(name: .long, help: "The container image with scoretune as its entrypoint.")
    var image: String

    @Option(name: .long, help: "The existing Secret that holds the .env.score.")
    var envSecret: String

    @Option(name: .long, help: "The Secret's key that holds the .env.score.")
    var envSecretKey = ".env.score"

    @Option(name: .long, help: "The tag naming the run, its Job and ConfigMap: lowercase letters, digits and '-' (default: st-<date>-<time>).")
    var tag: String?

    @Option(name: .long, help: "The namespace (default: kubectl's current one).")
    var namespace: String?

    @Flag(name: .long, help: "Print the manifests as one JSON string field (with the tag and worker count) instead of YAML.")
    var json = false

    struct Printed: Encodable {
        var tag: String
        var workers: Int
        var manifests: String
    }

    func run() async throws {
        let chosenTag = tag ?? DistributedSetup.defaultTag()
        // The tag names the Job and ConfigMap too: a DNS label, with room for "scoretune-".
        guard Self.isDNSLabel(chosenTag, maxLength: 50) else {
            throw CommandFailure(message: "--tag \(chosenTag.prefix(70)): give at most 50 lowercase letters, digits and '-', starting and ending with a letter or digit")
        }
        for (flag, value) in [("--env-secret", envSecret)] + (namespace.map { [("--namespace", $0)] } ?? []) where !Self.isDNSLabel(value, maxLength: 63) {
            throw CommandFailure(message: "\(flag) \(value.prefix(70)): not a Kubernetes name (lowercase letters, digits and '-', at most 63)")
        }
        guard !envSecretKey.isEmpty, envSecretKey.count <= 253, envSecretKey.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw CommandFailure(message: "--env-secret-key: not a Secret key (letters, digits, '-', '_', '.')")
        }
        guard !image.isEmpty, image.count <= 512, !image.contains(where: { $0.isWhitespace || $0 == "\"" }) else {
            throw CommandFailure(message: "--image: give an image reference (no spaces or quotes)")
        }
        let loaded = try DistributedSetup.scenario(scenario, workers: workers)
        let manifests = Self.manifests(scenario: loaded, workers: workers, image: image, secret: envSecret, secretKey: envSecretKey,
                                       tag: chosenTag, namespace: namespace)
        if json { return try JSONOutput.print(Printed(tag: chosenTag, workers: workers, manifests: manifests)) }
        print(manifests, terminator: "")
    }

    static func isDNSLabel(_ text: String, maxLength: Int) -> Bool {
        guard !text.isEmpty, text.count <= maxLength, let first = text.first, let last = text.last else { return false }
        let allowed = text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        return allowed && first != "-" && last != "-"
    }

    /// A YAML scalar for any text: a JSON string is one.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The memory a worker's transfers can hold at once (the largest part × parallel × clients
    /// the grid asks for), plus room for the process: the pod's request and limit, in MiB.
    static func memoryMiB(_ scenario: Scenario) -> Int64 {
        let part = max(scenario.grid.uploadPartSize?.max() ?? 0, scenario.grid.downloadPartSize?.max() ?? 0, 20 << 20)
        let parallel = Int64(scenario.grid.parallel?.max() ?? 6), clients = Int64(scenario.grid.clients?.max() ?? 1)
        let (buffers, overflow) = part.multipliedReportingOverflow(by: parallel * clients)
        return overflow ? 1 << 20 : min(1 << 20, buffers / (1 << 20) + 256)
    }

    static func manifests(scenario: Scenario, workers: Int, image: String, secret: String, secretKey: String, tag: String,
                          namespace: String?) -> String {
        let name = "scoretune-\(tag)"
        let memory = "\(memoryMiB(scenario))Mi"
        let space = namespace.map { "\n  namespace: \(quoted($0))" } ?? ""
        func labels(_ indent: Int) -> String {
            let pad = String(repeating: " ", count: indent)
            return "\(pad)app.kubernetes.io/name: scoretune\n\(pad)app.kubernetes.io/instance: \(quoted(tag))"
        }
        let args = ["run", "/etc/scoretune/scenario/scenario.yaml", "--env", "/etc/scoretune/env/.env.score", "--workers", "\(workers)",
                    "--tag", tag, "--db", "/var/lib/scoretune/worker-{rank}.sqlite", "--upload-db", "--quiet",
                    // Pods start as their images arrive: the first barrier may wait long for the last.
                    "--barrier-timeout", "1800"].map(quoted).joined(separator: ", ")
        return """
        # Written by `scoretune k8s`: \(workers) worker(s) of scenario \(quoted(scenario.name)) as one Indexed Job, tag \(tag).
        # The .env.score comes from the existing Secret \(secret) (key \(secretKey)); nothing secret is in this file.
        # Apply: kubectl apply -f THIS_FILE; when the Job has completed: scoretune merge --tag \(tag) --env .env.score
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)\(space)
          labels:
        \(labels(4))
        data:
          scenario.yaml: \(quoted(scenario.text))
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: \(name)\(space)
          labels:
        \(labels(4))
        spec:
          completionMode: Indexed
          completions: \(workers)
          parallelism: \(workers)
          backoffLimit: 0
          ttlSecondsAfterFinished: 86400
          template:
            metadata:
              labels:
        \(labels(8))
            spec:
              restartPolicy: Never
              topologySpreadConstraints:
                - maxSkew: 1
                  topologyKey: kubernetes.io/hostname
                  whenUnsatisfiable: ScheduleAnyway
                  labelSelector:
                    matchLabels:
                      app.kubernetes.io/instance: \(quoted(tag))
              containers:
                - name: worker
                  image: \(quoted(image))
                  args: [\(args)]
                  resources:
                    requests:
                      cpu: "1"
                      memory: \(memory)
                    limits:
                      memory: \(memory)
                  volumeMounts:
                    - name: scenario
                      mountPath: /etc/scoretune/scenario
                      readOnly: true
                    - name: env
                      mountPath: /etc/scoretune/env
                      readOnly: true
                    - name: results
                      mountPath: /var/lib/scoretune
              volumes:
                - name: scenario
                  configMap:
                    name: \(name)
                - name: env
                  secret:
                    secretName: \(quoted(secret))
                    items:
                      - key: \(quoted(secretKey))
                        path: .env.score
                - name: results
                  emptyDir: {}

        """
    }
}
