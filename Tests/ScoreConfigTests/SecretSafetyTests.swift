import Foundation
@testable import ScoreConfig
import XCTest

/// No finding, listing or parse error ever shows a value from a line whose key looks secret, nor a
/// whole malformed line: tested over every mutation of every line of a valid file.
final class SecretSafetyTests: XCTestCase {
    static let secret = "Qx7-very-Secret-VALUE-91"

    static let valid = """
    S3_ENDPOINT=http://127.0.0.1:8333
    S3_ACCESSKEY=ak
    S3_SECRETKEY=\(secret)
    AZURE_ACCOUNTKEY=\(secret)
    BUCKET_NAME_OBJECT=o
    BUCKET_NAME_STATE=s
    UPLOAD_CLEAN_CRON=0 0 0 * * ?
    """

    /// What an operator's editor, a paste or a careless hand does to one line.
    static func mutations(of line: String) -> [String] {
        let noEquals = line.replacingOccurrences(of: "=", with: " ")
        let key = String(line.prefix { $0 != "=" })
        let value = String(line.drop { $0 != "=" }.dropFirst())
        return [
            noEquals, line.replacingOccurrences(of: "=", with: ": "), line.replacingOccurrences(of: "=", with: ""),
            "\(key)=\"x\"\(value)", "\(key)='\(value)", "\(key)=\"\(value)", "\(key)=\"\(value)\" trailing \(value)",
            key.lowercased() + "=" + value, key + "_OLD=" + value, "export" + key + "=" + value, "1" + line,
            "\(key) = \(value) = \(value)", "\(key)-X=\(value)", "   \(value)", value, "\(value)=\(key)",
            "\(key)={{\(value)}}", "\(key)=\(value)\u{0}", "\(key.dropLast())=\(value)", "\(key)==\(value)",
        ]
    }

    func outputs(_ text: String) -> String {
        do {
            let settings = ScoreSettings(file: try EnvFile(path: "t.env", text: text))
            return settings.diagnostics.map(\.description).joined(separator: "\n") + "\n" + settings.redactedLines.joined(separator: "\n")
        } catch {
            return "\(error)"
        }
    }

    func testEveryMutationOfEveryLineKeepsTheSecret() {
        let lines = Self.valid.components(separatedBy: "\n")
        var tried = 0
        for (index, line) in lines.enumerated() where line.contains(Self.secret) {
            for mutated in Self.mutations(of: line) {
                for ending in ["\n", "\r\n", "\r"] {
                    var copy = lines
                    copy[index] = mutated
                    for prefix in ["", "\u{FEFF}"] {
                        let text = prefix + copy.joined(separator: ending)
                        let shown = outputs(text)
                        XCTAssertFalse(shown.contains(Self.secret), "leaked for \(mutated.debugDescription) with \(ending.debugDescription):\n\(shown)")
                        XCTAssertFalse(shown.contains(String(Self.secret.prefix(12))), "partly leaked for \(mutated.debugDescription)")
                        tried += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(tried, 200)
    }

    func testParseErrorsNameFileLineAndKeyButNotTheLine() {
        let cases: [(String, Int, String)] = [
            ("A=1\nS3_SECRETKEY ceph-test-secret\n", 2, "S3_SECRETKEY: expected KEY=value"),
            ("S3_SECRETKEY=\"x\"VALUE\n", 1, "S3_SECRETKEY: text after the closing quote"),
            ("S3_SECRETKEY='open\n", 1, "S3_SECRETKEY: unterminated single quote"),
            ("my secret words\n", 1, "expected KEY=value"),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try EnvFile(path: "bad.env", text: text)) { error in
                let shown = "\(error)"
                XCTAssertTrue(shown.hasPrefix("bad.env:\(line): \(message)"), shown)
                for word in ["ceph-test-secret", "VALUE", "open", "secret words"] { XCTAssertFalse(shown.contains(word), shown) }
            }
        }
    }

    func testLineEndingsAndByteOrderMark() throws {
        for ending in ["\n", "\r\n", "\r"] {
            let file = try EnvFile(path: "t.env", text: "\u{FEFF}S3_ENDPOINT=http://h:1\(ending)AZURE_ACCOUNTKEY=k\(ending)# c\(ending)B=2")
            XCTAssertEqual(file.entries.map(\.key), ["S3_ENDPOINT", "AZURE_ACCOUNTKEY", "B"], ending.debugDescription)
            XCTAssertEqual(file.entry("S3_ENDPOINT")?.value, "http://h:1")
            XCTAssertEqual(file.entry("B")?.line, 4)
        }
    }

    func testUnknownSecretLookingKeysAreMasked() throws {
        let names = ["s3_secretkey", "S3_SECRETKEY_OLD", "AWS_SECRET_ACCESS_KEY", "exportS3_SECRETKEY", "S3_SCRETKEY", "DB_PASSWD",
                     "API_TOKN", "MY_CREDENTIALS", "Azure_AccountKey", "SECERT"]
        let text = names.map { "\($0)=\(Self.secret)" }.joined(separator: "\n")
        let settings = ScoreSettings(file: try EnvFile(path: "t.env", text: text))
        for line in settings.redactedLines { XCTAssertTrue(line.hasSuffix("=****"), line) }
        XCTAssertEqual(settings.redactedLines.count, names.count)
        for harmless in ["S3_ENDPOINT", "BUCKET_NAME_OBJECT", "UPLOAD_PARTSIZE", "OBJECT_SENTINEL"] {
            XCTAssertFalse(SecretName.looksSecret(harmless), harmless)
        }
    }

    /// Found by fuzzing: a secret copied into another variable showed in `config`'s listing, and
    /// a word of it in a cron error (upper-cased there, so a case-sensitive scrub missed it).
    func testCopiesOfASecretAreMaskedEverywhere() throws {
        let copied = try EnvFile(path: "t.env", text: "S3_SECRETKEY=Qx7-copied-key\nOBJECT_SENTINEL=Qx7-copied-key\n")
        let listing = ScoreSettings(file: copied).redactedLines.joined(separator: "\n")
        XCTAssertFalse(listing.contains("Qx7-copied-key"), listing)
        XCTAssertTrue(listing.contains("OBJECT_SENTINEL=****"), listing)

        let cron = try EnvFile(path: "t.env", text: "S3_SECRETKEY=monday passphrase words\nUPLOAD_CLEAN_CRON=monday passphrase words * * *\n")
        let shown = ScoreSettings(file: cron).diagnostics.map(\.description).joined(separator: "\n")
        XCTAssertFalse(shown.lowercased().contains("passphrase") || shown.lowercased().contains("monday"), shown)
    }

    /// Found by fuzzing: a file of many long keys took seconds per line (secret checks redone for
    /// every finding). Two thousand findings now cost one pass.
    func testManyFindingsStayLinear() throws {
        let text = (0..<2000).map { "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN_\($0)={{x}}" }.joined(separator: "\n")
        let settings = ScoreSettings(file: try EnvFile(path: "t.env", text: text))
        XCTAssertEqual(settings.errors.count, 2000 + 5, "each template, and the five required S3 variables")
    }

    /// Found by fuzzing: Foundation's case-insensitive replace trapped on a secret value holding
    /// NUL bytes; the masking is now done scalar by scalar.
    func testSecretsHoldingControlCharactersAreMaskedWithoutATrap() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/seeds/env/crash-nul-in-secret.env").path
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        let settings = ScoreSettings(file: try EnvFile(path: "t.env", text: text))
        XCTAssertFalse(settings.diagnostics.isEmpty)
        XCTAssertEqual(ScoreSettings.masking("aB\u{0}c", in: "x AB\u{0}C y ab\u{0}c"), "x **** y ****")
        XCTAssertEqual(ScoreSettings.masking("İx", in: "İX and ix"), "**** and ix", "only ASCII letters fold")
    }

    /// Found by fuzzing: a secret that contains another secret (an endpoint pasted into a key) was
    /// masked piece by piece, shortest first, and the rest of the longer one showed.
    func testASecretInsideAnotherIsMaskedWhole() throws {
        let text = "S3_ENDPOINT=http://h:1\nS3_OLDKEY=http://h:1\nS3_SEKRETKEY=VAL-Qx7-http://h:1\nUPLOAD_CLEY=VAL-Qx7-http://h:1\n"
        let listing = ScoreSettings(file: try EnvFile(path: "t.env", text: text)).redactedLines
        XCTAssertTrue(listing.contains("UPLOAD_CLEY=****"), "\(listing)")
        XCTAssertFalse(listing.joined().contains("Qx7"), "\(listing)")
    }
}

/// Two lines run together and secrets that are words of a message (issue #26, item 6).
final class JoinedLineTests: XCTestCase {
    /// A lost newline: the sentinel's value holds the secret key's whole line. Score reads it all as
    /// the sentinel; scoretune names the mistake and never shows the part after the second `=`.
    func testTwoLinesRunTogetherNeverShowTheSecondOnesSecret() throws {
        let text = "S3_ENDPOINT=http://127.0.0.1:1\nS3_ACCESSKEY=ak\nOBJECT_SENTINEL=heliographS3_SECRETKEY=Qx7-joined-secret\n"
            + "BUCKET_NAME_OBJECT=o\nBUCKET_NAME_STATE=s\n"
        let settings = ScoreSettings(file: try EnvFile(path: "t.env", text: text))
        let json = String(decoding: try JSONEncoder().encode(settings.shownValues), as: UTF8.self)
        let shown = settings.diagnostics.map(\.description).joined(separator: "\n") + settings.redactedLines.joined(separator: "\n") + json
        XCTAssertFalse(shown.contains("Qx7") || shown.contains("joined-secret"), shown)
        XCTAssertTrue(settings.redactedLines.contains("OBJECT_SENTINEL=heliographS3_SECRETKEY=****"), "\(settings.redactedLines)")
        XCTAssertTrue(settings.diagnostics.contains { $0.variable == "OBJECT_SENTINEL" && $0.severity == .warning && $0.message.contains("lost newline") },
                      "\(settings.diagnostics)")
        XCTAssertTrue(settings.errors.contains { $0.variable == "S3_SECRETKEY" }, "the secret key itself is missing")
        XCTAssertEqual(JoinedLine.masked("a KEY=v1 b 'X_TOKEN=v2' PARTSIZE=3"), "a KEY=**** b 'X_TOKEN=****' PARTSIZE=3")
        // A quoted value, or one after a blank, is masked too (found in review: it showed whole).
        for joined in ["OBJECT_SENTINEL=heliographS3_SECRETKEY=\"Qx7 quoted secret\"", "OBJECT_SENTINEL=hS3_SECRETKEY= Qx7-spaced"] {
            let quoted = ScoreSettings(file: try EnvFile(path: "t.env", text: joined + "\nS3_ENDPOINT=http://h:1\n"))
            let all = quoted.redactedLines.joined(separator: "\n") + quoted.diagnostics.map(\.description).joined(separator: "\n")
            XCTAssertFalse(all.contains("Qx7"), all)
        }
    }

    /// A secret that happens to be one of a message's own words does not garble it; a value the
    /// message quotes is still masked.
    func testASecretThatIsAWordOfAMessageDoesNotGarbleIt() throws {
        let text = "SPRING_PROFILES_ACTIVE=azure\nAZURE_ACCOUNTNAME=acct\nAZURE_ACCOUNTKEY=base64\nBUCKET_NAME_OBJECT=c\n"
            + "SCORETUNE_AZURE_ENDPOINT=base64\n"
        let settings = ScoreSettings(file: try EnvFile(path: "t.env", text: text))
        let key = try XCTUnwrap(settings.errors.first { $0.variable == "AZURE_ACCOUNTKEY" })
        XCTAssertTrue(key.message.hasPrefix("is not base64: copy key1"), key.message)
        let endpoint = try XCTUnwrap(settings.errors.first { $0.variable == "SCORETUNE_AZURE_ENDPOINT" })
        XCTAssertEqual(endpoint.message, "'****' is not an http(s) URL", "the quoted value is the secret's: masked")
    }
}
