/// Whether a variable's name says its value may be a secret. Any key that does is never shown with
/// its value, in any case and however it is misspelt: `s3_secretkey`, `S3_SECRETKEY_OLD`,
/// `AWS_SECRET_ACCESS_KEY`, `exportS3_SECRETKEY`, `S3_SCRETKEY`, `DB_PASSWD`.
public enum SecretName {
    /// Words that mark a secret, matched anywhere in the name's letters.
    static let words = ["SECRET", "KEY", "PASSWORD", "PASSWD", "PASS", "PWD", "TOKEN", "CREDENTIAL", "CRED", "AUTH",
                        "PRIVATE", "SIGNATURE", "SAS", "CERT"]
    /// Longer words also match with one letter wrong, missing, extra or swapped (`SCRET`, `SECERT`, `TOKN`).
    static let fuzzyWords = ["SECRET", "PASSWORD", "TOKEN", "CREDENTIAL", "PRIVATE"]

    /// Score's own secret names, as letters only (`SSECRETKEY`, `AZUREACCOUNTKEY`).
    static let scoreSecrets: [[UInt8]] = ScoreVariable.allCases.filter(\.isSecret).map { Array($0.rawValue.filter(\.isLetter).utf8) }

    public static func looksSecret(_ name: String) -> Bool {
        let letters = name.uppercased().utf8.filter { (65...90).contains($0) }
        let text = String(decoding: letters, as: UTF8.self)
        if words.contains(where: { text.contains($0) }) { return true }
        // Score's own secret names with up to two slips anywhere in the key (`AZURE_ACCOUNTKE`),
        // the longer words with one (`SCRET`, `SECERT`, `TOKN`).
        if scoreSecrets.contains(where: { occurs($0, in: letters, within: 2) }) { return true }
        return fuzzyWords.contains { occurs(Array($0.utf8), in: letters, within: 1) }
    }

    /// Whether some stretch of `text` is within `limit` edits of `target` (insertions, deletions,
    /// substitutions, adjacent swaps): one pass of the edit-distance table with a free start and
    /// end in the text (Sellers), so a key costs its length times the target's, whatever its size.
    static func occurs(_ target: [UInt8], in text: [UInt8], within limit: Int) -> Bool {
        guard !target.isEmpty else { return true }
        guard !text.isEmpty else { return target.count <= limit }
        var beforePrevious = [Int](repeating: 0, count: text.count + 1)
        var previous = [Int](repeating: 0, count: text.count + 1)   // row 0: a match may start anywhere
        var current = previous
        for i in 1...target.count {
            current[0] = i
            for j in 1...text.count {
                var cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (target[i - 1] == text[j - 1] ? 0 : 1))
                if i > 1, j > 1, target[i - 1] == text[j - 2], target[i - 2] == text[j - 1] { cost = min(cost, beforePrevious[j - 2] + 1) }
                current[j] = cost
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous.min()! <= limit   // the last row: a match may end anywhere
    }
}
