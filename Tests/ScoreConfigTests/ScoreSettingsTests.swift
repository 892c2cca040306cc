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
}
