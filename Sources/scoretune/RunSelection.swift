import Analysis
import ArgumentParser
import Results

/// `--db`: the results database, the same flag and default for every command that opens one.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "The results database.")
    var db = "reports/scoretune.sqlite"

    /// Opens the existing database for reading, or ends with one line and exit 2.
    func open() throws -> ResultsDatabase { try openResults(db) }
}

/// One run of a results database: its id (default: the latest) and `--db`.
struct RunSelection: ParsableArguments {
    @Argument(help: "The run id (default: the latest run in the database).")
    var runId: Int64?

    @OptionGroup var database: DatabaseOption

    /// The selected run's analysis, or one line and exit 2 when there is no such run.
    func analysis() async throws -> RunAnalysis {
        try await loadAnalysis(try database.open(), runId)
    }
}
