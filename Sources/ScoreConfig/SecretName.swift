/// Whether a variable's name says its value may be a secret. Any key that does is never shown with
/// its value, in any case and however it is misspelt: `s3_secretkey`, `S3_SECRETKEY_OLD`,
/// `AWS_SECRET_ACCESS_KEY`, `exportS3_SECRETKEY`, `S3_SCRETKEY`, `DB_PASSWD`.
public enum SecretName {
    /// Words that mark a secret, matched anywhere in the name's letters.
    static let words = ["SECRET", "KEY", "PASSWORD", "PASSWD", "PASS", "PWD", "TOKEN", "CREDENTIAL", "CRED", "AUTH",
                        "PRIVATE", "SIGNATURE", "SAS", "CERT"]
    /// Longer words also match with one letter wrong, missing, extra or swapped (`SCRET`, `SECERT`, `TOKN`).
    static let fuzzyWords = ["SECRET", "PASSWORD", "TOKEN", "CREDENTIAL", "PRIVATE"]

    public static func looksSecret(_ name: String) -> Bool {
        let letters = String(name.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) }.map(Character.init))
        if words.contains(where: { letters.contains($0) }) { return true }
        let scalars = Array(letters)
        // Score's own secret names with up to two slips anywhere in the key (`AZURE_ACCOUNTKE`).
        for name in ScoreVariable.allCases.filter(\.isSecret).map(\.rawValue) {
            let target = Array(name.filter(\.isLetter))
            for length in (target.count - 2)...(target.count + 2) where length <= scalars.count {
                for start in 0...(scalars.count - length) where editDistance(Array(scalars[start..<(start + length)]), target) <= 2 {
                    return true
                }
            }
        }
        for word in fuzzyWords {
            let target = Array(word)
            for length in (target.count - 1)...(target.count + 1) where length <= scalars.count {
                for start in 0...(scalars.count - length) where editDistanceAtMostOne(Array(scalars[start..<(start + length)]), target) {
                    return true
                }
            }
        }
        return false
    }

    /// Levenshtein distance (insertions, deletions, substitutions).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    /// Damerau–Levenshtein distance ≤ 1: one substitution, insertion, deletion or adjacent swap.
    static func editDistanceAtMostOne(_ a: [Character], _ b: [Character]) -> Bool {
        if a == b { return true }
        if a.count == b.count {
            let differing = a.indices.filter { a[$0] != b[$0] }
            if differing.count == 1 { return true }
            if differing.count == 2, differing[1] == differing[0] + 1,
               a[differing[0]] == b[differing[1]], a[differing[1]] == b[differing[0]] { return true }
            return false
        }
        let (short, long) = a.count < b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return false }
        var i = 0
        while i < short.count && short[i] == long[i] { i += 1 }
        return short[i...] == long[(i + 1)...]
    }
}
