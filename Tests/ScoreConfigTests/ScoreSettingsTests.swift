import Foundation
@testable import ScoreConfig
import XCTest

final class ScoreSettingsTests: XCTestCase {
    func settings(_ fixture: String, environment: [String: String] = [:]) throws -> ScoreSettings {
        let url = try XCTUnwrap(Bundle.module.url(forResource: fixture, withExtension: "env", subdirectory: "Fixtures"))
        return try ScoreSettings.load(path: url.path, environment: environment)
    }

    func settings(text: String, environment: [String: String] = [:]) throws -> ScoreSettings {
        ScoreSettings(file: try EnvFile(path: "t.env", text: text), environment: environment)
    }

    func messages(_ s: ScoreSettings, _ variable: String, _ severity: Diagnostic.Severity) -> [String] {
        s.diagnostics.filter { $0.variable == variable && $0.severity == severity }.map(\.message)
    }

    let valid = """
    S3_ENDPOINT=http://127.0.0.1:8333
    S3_ACCESSKEY=ak
    S3_SECRETKEY=very-secret
    BUCKET_NAME_OBJECT=o
    BUCKET_NAME_STATE=s
    UPLOAD_CONNECTION_TIMEOUT=15000
    """

    func testEnvironmentOverridesAreShownAsSuchWithTheFilesValue() throws {
        let s = try settings(text: valid + "\nUPLOAD_PARTSIZE=20971520\n",
                             environment: ["UPLOAD_PARTSIZE": "33554432", "S3_SECRETKEY": "other-secret-value", "UPLOAD_RETRY_LIMIT": "7"])
        let lines = s.redactedLines
        XCTAssertTrue(lines.contains("UPLOAD_PARTSIZE=33554432 (32MiB) (from the environment, the file says 20971520)"), "\(lines)")
        XCTAssertTrue(lines.contains("S3_SECRETKEY=**** (from the environment, overriding the file)"), "\(lines)")
        XCTAssertTrue(lines.contains("UPLOAD_RETRY_LIMIT=7 (from the environment)"), "\(lines)")
        XCTAssertFalse(lines.joined().contains("very-secret") || lines.joined().contains("other-secret"), "\(lines)")
    }

    func testAKeySetTwiceIsAWarningNamingBothLines() throws {
        let s = try settings(text: valid + "\nUPLOAD_PARTSIZE=20971520\nUPLOAD_PARTSIZE=33554432\n")
        XCTAssertEqual(messages(s, "UPLOAD_PARTSIZE", .warning), ["set twice, on lines 7 and 8: line 8 wins"])
        XCTAssertEqual(s.uploadPartSize, 33_554_432)
        XCTAssertTrue(s.isValid, "a warning, not an error")
    }

    func testADuplicateKeyNamesTheEnvironmentOnlyWhenItReallyOverrides() throws {
        let text = valid + "\nUPLOAD_PARTSIZE=20971520\nUPLOAD_PARTSIZE=33554432\nMY_NOTE=a\nMY_NOTE=b\n"
        let s = try settings(text: text, environment: ["UPLOAD_PARTSIZE": "41943040", "MY_NOTE": "c"])
        XCTAssertEqual(messages(s, "UPLOAD_PARTSIZE", .warning), ["set twice, on lines 7 and 8: line 8 wins over the earlier one, and the environment over both"])
        XCTAssertEqual(messages(s, "MY_NOTE", .warning), ["set twice, on lines 9 and 10: line 10 wins"], "the environment overrides only Score's variables")
    }

    func testDocsS3ExampleIsValidWithWarnings() throws {
        let s = try settings("s3-docs-example")
        XCTAssertEqual(s.profile, .s3)
        XCTAssertTrue(s.isValid, "\(s.errors)")
        XCTAssertEqual(messages(s, "S3_ACCESS_KEY", .note).count, 1, "misspelling noted (the right name is also set)")
        XCTAssertTrue(messages(s, "UPLOAD_CONNECTIONTIMEOUT", .warning).first?.contains("UPLOAD_CONNECTION_TIMEOUT=60000") ?? false)
        XCTAssertTrue(messages(s, "DOWNLOAD_PARTSIZE", .warning).first?.contains("not read by Score's S3 path") ?? false)
        XCTAssertTrue(messages(s, "UPLOAD_PARTSIZE", .note).first?.contains("20971520") ?? false)
        XCTAssertEqual(s.connectTimeoutMilliseconds, 15000, "the documented name does not bind")
        let location = s.diagnostics.first { $0.variable == "UPLOAD_CONNECTIONTIMEOUT" }?.location ?? ""
        XCTAssertTrue(location.hasSuffix("s3-docs-example.env:18"), location)
    }

    func testDocsAzureTemplateFlagsEveryPlaceholder() throws {
        let s = try settings("azure-docs-template")
        XCTAssertEqual(s.profile, .azure)
        let flagged = Set(s.errors.filter { $0.message.contains("unfilled template") }.compactMap(\.variable))
        XCTAssertEqual(flagged, ["AZURE_ACCOUNT_NAME", "AZURE_ACCOUNTNAME", "AZURE_ACCOUNTKEY", "BUCKET_NAME_OBJECT",
                                 "BUCKET_POLICY_UPLOAD", "BUCKET_POLICY_DOWNLOAD"])
        XCTAssertFalse(s.errors.contains { $0.message.contains("storage_account_secret_key") }, "secret placeholder not echoed")
        XCTAssertEqual(messages(s, "AZURE_ENDPOINT_PROTOCOL", .warning).count, 1)
        XCTAssertTrue(messages(s, "UPLOAD_PARTSIZE", .note).first?.contains("no effect on Azure uploads") ?? false)
    }

    func testMissingRequiredVariables() throws {
        let s = try settings(text: "S3_ENDPOINT=http://127.0.0.1:8333\n")
        XCTAssertEqual(Set(s.errors.compactMap(\.variable)), ["S3_ACCESSKEY", "S3_SECRETKEY", "BUCKET_NAME_OBJECT", "BUCKET_NAME_STATE"])
        let azure = try settings(text: "SPRING_PROFILES_ACTIVE=prod,azure\nBUCKET_NAME_OBJECT=c\n")
        XCTAssertEqual(Set(azure.errors.compactMap(\.variable)), ["AZURE_ACCOUNTNAME", "AZURE_ACCOUNTKEY"])
    }

    func testAzureAccountValuesAreChecked() throws {
        let base = "SPRING_PROFILES_ACTIVE=prod,azure\nBUCKET_NAME_OBJECT=c\n"
        let good = try settings(text: base + "AZURE_ACCOUNTNAME=scoreacct\nAZURE_ACCOUNTKEY=a2V5a2V5\n")
        XCTAssertTrue(good.isValid, "\(good.errors)")
        XCTAssertEqual(good.azureProtocol, "https")
        XCTAssertNil(good.azureEndpointOverride)
        XCTAssertEqual(good.uploadPolicy, "UploadPolicy")
        let cases: [(String, String, String)] = [
            ("AZURE_ACCOUNTNAME=scoreacct\nAZURE_ACCOUNTKEY=not base64!\n", "AZURE_ACCOUNTKEY", "not base64"),
            ("AZURE_ACCOUNTNAME=Score_Acct\nAZURE_ACCOUNTKEY=a2V5a2V5\n", "AZURE_ACCOUNTNAME", "not a storage account name"),
            ("AZURE_ACCOUNTNAME=scoreacct\nAZURE_ACCOUNTKEY=a2V5a2V5\nSCORETUNE_AZURE_ENDPOINT=127.0.0.1:10000\n",
             "SCORETUNE_AZURE_ENDPOINT", "not an http(s) URL"),
        ]
        for (text, variable, message) in cases {
            let s = try settings(text: base + text)
            let error = try XCTUnwrap(s.errors.first { $0.variable == variable }, text)
            XCTAssertTrue(error.message.contains(message), error.message)
            if variable == "AZURE_ACCOUNTKEY" { XCTAssertFalse("\(error)".contains("not base64!"), "a key, even a bad one, is never printed") }
        }
        let overridden = try settings(text: base + "AZURE_ACCOUNTNAME=scoreacct\nAZURE_ACCOUNTKEY=a2V5a2V5\n",
                                      environment: ["SCORETUNE_AZURE_ENDPOINT": "http://127.0.0.1:10000/scoreacct"])
        XCTAssertEqual(overridden.azureEndpointOverride, "http://127.0.0.1:10000/scoreacct", "the environment overrides, as for Score's variables")
    }

    func testBadValues() throws {
        let cases: [(String, String, String)] = [
            ("UPLOAD_PARTSIZE=20MB", "UPLOAD_PARTSIZE", "whole number of bytes"),
            ("UPLOAD_PARTSIZE=2147483648", "UPLOAD_PARTSIZE", "below 2^31"),
            ("UPLOAD_RETRY_LIMIT=many", "UPLOAD_RETRY_LIMIT", "whole number"),
            ("DOWNLOAD_PARTSIZE=-5", "DOWNLOAD_PARTSIZE", "whole number of bytes"),
            ("S3_SIGV4ENABLED=yes", "S3_SIGV4ENABLED", "true or false"),
            ("UPLOAD_CLEAN_CRON=0 0 * * *", "UPLOAD_CLEAN_CRON", "6 fields"),
            ("UPLOAD_CLEAN_CRON=0 0 25 * * ?", "UPLOAD_CLEAN_CRON", "hour 25 is outside 0-23"),
        ]
        for (line, variable, message) in cases {
            let s = try settings(text: valid + "\n" + line)
            let errors = messages(s, variable, .error)
            XCTAssertEqual(errors.count, 1, line)
            XCTAssertTrue(errors.first?.contains(message) ?? false, "\(errors) lacks \(message)")
        }
        XCTAssertTrue(try settings(text: valid + "\nUPLOAD_PARTSIZE=2147483647").isValid)
    }

    func testEndpointMustBeAURL() throws {
        for bad in ["not a url", "ftp://host", "http://host:99999", "http://host/path"] {
            let s = try settings(text: valid.replacingOccurrences(of: "http://127.0.0.1:8333", with: bad))
            XCTAssertEqual(messages(s, "S3_ENDPOINT", .error).count, 1, bad)
        }
        for good in ["https://s3.amazonaws.com", "http://127.0.0.1:7480/", "minio.local:9000"] {
            let s = try settings(text: valid.replacingOccurrences(of: "http://127.0.0.1:8333", with: good))
            XCTAssertTrue(messages(s, "S3_ENDPOINT", .error).isEmpty, good)
        }
    }

    func testEnvironmentOverridesFile() throws {
        let s = try settings(text: valid, environment: ["S3_ENDPOINT": "http://127.0.0.1:7480", "PATH": "/bin"])
        XCTAssertEqual(s.endpoint, "http://127.0.0.1:7480")
        XCTAssertEqual(s.values["S3_ENDPOINT"]?.location, "environment")
        XCTAssertNil(s.values["PATH"])
    }

    func testSecretsAreRedacted() throws {
        let s = try settings(text: valid + "\nAZURE_ACCOUNTKEY=azsecret")
        let shown = s.redactedLines.joined(separator: "\n")
        XCTAssertTrue(shown.contains("S3_SECRETKEY=****"))
        XCTAssertTrue(shown.contains("AZURE_ACCOUNTKEY=****"))
        XCTAssertFalse(shown.contains("very-secret") || shown.contains("azsecret"))
        XCTAssertFalse(s.diagnostics.description.contains("very-secret"))
    }

    func testBothTimeoutNamesDiffering() throws {
        let s = try settings(text: valid + "\nUPLOAD_CONNECTIONTIMEOUT=60000")
        XCTAssertTrue(messages(s, "UPLOAD_CONNECTIONTIMEOUT", .warning).first?.contains("UPLOAD_CONNECTION_TIMEOUT=15000") ?? false)
    }

    /// Present but empty is not unset: Spring binds the empty string and Score fails later.
    func testEmptyRequiredValuesAreErrors() throws {
        for line in ["BUCKET_NAME_STATE=", "BUCKET_NAME_STATE=\"\"", "BUCKET_NAME_STATE=''", "BUCKET_NAME_STATE=   ",
                     "S3_SECRETKEY=", "OBJECT_SENTINEL=", "S3_ENDPOINT=", "UPLOAD_PARTSIZE=", "S3_SIGV4ENABLED="] {
            let key = String(line.prefix { $0 != "=" })
            let text = valid.split(separator: "\n").filter { !$0.hasPrefix(key + "=") }.joined(separator: "\n") + "\n" + line
            let s = try settings(text: text)
            XCTAssertFalse(s.isValid, line)
            XCTAssertEqual(messages(s, key, .error), ["is set but empty: " + (ScoreVariable(rawValue: key)?.scoreDefault.map {
                "remove the line to use Score's default (\($0)) or give a value" } ?? "give a value")], line)
        }
        let azure = "SPRING_PROFILES_ACTIVE=azure\nBUCKET_NAME_OBJECT=c\nAZURE_ACCOUNTNAME=acct\nAZURE_ACCOUNTKEY=a2V5\n"
        for line in ["AZURE_ACCOUNTNAME=", "AZURE_ACCOUNTKEY=\"\"", "BUCKET_NAME_OBJECT=", "BUCKET_POLICY_UPLOAD="] {
            XCTAssertFalse(try settings(text: azure + line).isValid, line)
        }
        XCTAssertTrue(try settings(text: azure).isValid)
    }

    /// Score reads these into a Java int: 0…2^31−1 (part sizes and timeouts from 1).
    func testIntegersFitAJavaInt() throws {
        for (line, valid_) in [("UPLOAD_RETRY_LIMIT=2147483647", true), ("UPLOAD_RETRY_LIMIT=2147483648", false), ("UPLOAD_RETRY_LIMIT=-1", false),
                               ("UPLOAD_RETRY_LIMIT=0", true), ("UPLOAD_RETRY_LIMIT=+3", true), ("UPLOAD_CONNECTION_TIMEOUT=99999999999", false),
                               ("UPLOAD_CONNECTIONTIMEOUT=4294967296", false), ("UPLOAD_CONNECTION_TIMEOUT=0", false),
                               ("DOWNLOAD_PARTSIZE=2147483648", false), ("UPLOAD_PARTSIZE=-20971520", false),
                               ("S3_RETRYLIMIT=99999999999999999999", false)] {
            XCTAssertEqual(try settings(text: valid + "\n" + line).isValid, valid_, line)
        }
    }

    /// Score activates its Azure beans only for the `azure` profile.
    func testProfileIsAzureOnlyWhenSpringSaysSo() throws {
        let azure = "BUCKET_NAME_OBJECT=c\nAZURE_ACCOUNTNAME=acct\nAZURE_ACCOUNTKEY=a2V5\n"
        XCTAssertEqual(try settings(text: "SPRING_PROFILES_ACTIVE=prod, azure\n" + azure).profile, .azure)
        XCTAssertEqual(try settings(text: "SPRING_PROFILES_ACTIVE=notazure\n" + azure).profile, .s3)
        let missing = try settings(text: azure)
        XCTAssertEqual(missing.profile, .s3)
        XCTAssertTrue(messages(missing, "SPRING_PROFILES_ACTIVE", .error).first?.contains("SPRING_PROFILES_ACTIVE is not set") ?? false,
                      "\(missing.diagnostics)")
        let cased = try settings(text: "SPRING_PROFILES_ACTIVE=Azure\n" + azure)
        XCTAssertTrue(messages(cased, "SPRING_PROFILES_ACTIVE", .error).first?.contains("case-sensitive") ?? false)
        let both = try settings(text: valid + "\nAZURE_ACCOUNTNAME=acct\n")
        XCTAssertTrue(both.isValid)
        XCTAssertEqual(messages(both, "SPRING_PROFILES_ACTIVE", .warning).count, 1)
    }

    func testAzureKeyAndAccountAreStrict() throws {
        let base = "SPRING_PROFILES_ACTIVE=azure\nBUCKET_NAME_OBJECT=c\n"
        XCTAssertFalse(try settings(text: base + "AZURE_ACCOUNTNAME=accté\nAZURE_ACCOUNTKEY=a2V5\n").isValid, "ASCII only")
        XCTAssertFalse(try settings(text: base + "AZURE_ACCOUNTNAME=ab\nAZURE_ACCOUNTKEY=a2V5\n").isValid)
        XCTAssertFalse(try settings(text: base + "AZURE_ACCOUNTNAME=acct\nAZURE_ACCOUNTKEY=a2V\n").isValid, "not base64")
    }

    func testIPv6EndpointsAreURLs() throws {
        for good in ["http://[::1]:7480", "http://[::1]", "https://[2001:db8::1]:443/"] {
            XCTAssertTrue(messages(try settings(text: valid.replacingOccurrences(of: "http://127.0.0.1:8333", with: good)), "S3_ENDPOINT", .error).isEmpty, good)
        }
        for bad in ["http://[::1", "http://[zz]:80", "http://[::1]x", "http://user@host:80", "http://héllo:80"] {
            XCTAssertEqual(messages(try settings(text: valid.replacingOccurrences(of: "http://127.0.0.1:8333", with: bad)), "S3_ENDPOINT", .error).count, 1, bad)
        }
    }

    func testCronThatNeverFiresIsAWarning() throws {
        let s = try settings(text: valid + "\nUPLOAD_CLEAN_CRON=0 0 0 31 2 ?")
        XCTAssertTrue(s.isValid)
        XCTAssertTrue(messages(s, "UPLOAD_CLEAN_CRON", .warning).first?.contains("never fires") ?? false)
        XCTAssertTrue(try settings(text: valid + "\nUPLOAD_CLEAN_CRON=0 0 3 * * MON-SUN").isValid)
    }
}
