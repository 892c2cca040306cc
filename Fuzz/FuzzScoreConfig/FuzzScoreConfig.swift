// libFuzzer target: `.env.score` parsing + validation (ScoreSettings), and Spring cron parsing.
// Properties: no trap; and a value planted under a secret-looking key (one containing SECRETVAL,
// any case) never shows in a parse error, a diagnostic or the redacted listing.
import Foundation
import ScoreConfig

private let marker = "secretval"
private let environment = ProcessInfo.processInfo.environment
/// FUZZ_PRINT=1: print what would be shown (to judge a reproducer by eye).
private let printing = environment["FUZZ_PRINT"] != nil

private func hasMarker<S: StringProtocol>(_ text: S) -> Bool { text.range(of: marker, options: .caseInsensitive) != nil }

/// Parse errors: the marker stands only where nothing may be shown (a secret-looking key's value,
/// or a malformed line after its first word). Judged line by line, independently of EnvFile.
private func plantedForParseErrors(_ text: String) -> Bool {
    var body = Substring(text)
    if body.first == "\u{FEFF}" { body = body.dropFirst() }
    var planted = false
    for raw in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    where hasMarker(raw) {
        var line = raw.drop { $0 == " " || $0 == "\t" }
        if line.hasPrefix("#") { continue }
        if line.hasPrefix("export ") || line.hasPrefix("export\t") { line = line.dropFirst(7).drop { $0 == " " || $0 == "\t" } }
        guard let eq = line.firstIndex(of: "=") else {
            if hasMarker(line.prefix(while: { $0 != " " && $0 != "\t" && $0 != ":" })) { return false }
            planted = true
            continue
        }
        let key = line[..<eq]
        if hasMarker(key) || !SecretName.looksSecret(String(key)) { return false }
        planted = true
    }
    return planted
}

private func fail(_ what: String, _ shown: String, _ text: String) -> Never {
    FileHandle.standardError.write("SECRET LEAK (\(what)):\n--- input ---\n\(text.debugDescription)\n--- shown ---\n\(shown)\n".data(using: .utf8)!)
    abort()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return -1 }

    // Spring cron on the whole input (the validator also reaches it through UPLOAD_CLEAN_CRON).
    if let cron = try? SpringCron(text) { _ = cron.firesEver }

    let file: EnvFile
    do {
        file = try EnvFile(path: "fuzz.env", text: text)
    } catch {
        if printing { print("parse error: \(error)") }
        if hasMarker("\(error)"), plantedForParseErrors(text) { fail("parse error", "\(error)", text) }
        return 0
    }
    let settings = ScoreSettings(file: file)
    let findings = settings.diagnostics.map(\.description).joined(separator: "\n")
    let listing = settings.redactedLines.joined(separator: "\n")
    _ = (settings.isValid, settings.partCalculator, settings.cleanCron, settings.uploadPartSize)
    if printing { print("--- diagnostics\n\(findings)\n--- listing\n\(listing)") }

    // The values in force (last assignment wins), split by whether the key looks secret.
    if settings.values.keys.contains(where: hasMarker) { return 0 }     // key names are shown
    let secrets = Set(settings.values.filter { SecretName.looksSecret($0.key) && hasMarker($0.value.text) }.map(\.value.text))
    guard !secrets.isEmpty else { return 0 }
    let others = settings.values.filter { !SecretName.looksSecret($0.key) && hasMarker($0.value.text) }.map(\.value.text)
    // A non-secret variable holding exactly a secret's value (a pasted line, a copied key) must be
    // scrubbed too; one holding other text with the marker may be shown, but never a whole secret.
    if others.allSatisfy(secrets.contains) {
        if hasMarker(findings) { fail("diagnostic", findings, text) }
        if hasMarker(listing) { fail("redactedLines", listing, text) }
    } else {
        for secret in secrets where findings.contains(secret) { fail("diagnostic (whole secret)", findings, text) }
    }
    return 0
}
