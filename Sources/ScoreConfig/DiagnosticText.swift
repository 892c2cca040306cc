/// A finding's message as the validator writes it: its own words, and the values it quotes. Only
/// the quoted values pass through the secrets' mask (`ScoreSettings.scrubbed`): a secret that
/// happens to be one of the message's own words ("base64") must not garble the message that
/// names the problem, and a value that holds a copy of a secret is still masked.
struct DiagnosticText: ExpressibleByStringInterpolation {
    enum Piece {
        case words(String)
        case quoted(String)
    }
    var pieces: [Piece] = []

    init(stringLiteral value: String) { pieces = [.words(value)] }
    init(stringInterpolation: StringInterpolation) { pieces = stringInterpolation.pieces }

    struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []
        init(literalCapacity: Int, interpolationCount: Int) {}
        mutating func appendLiteral(_ literal: String) { pieces.append(.words(literal)) }
        /// Anything interpolated is a value, masked.
        mutating func appendInterpolation<Value>(_ value: Value) { pieces.append(.quoted("\(value)")) }
    }

    /// The message, each quoted value masked by `mask`.
    func rendered(_ mask: (String) -> String) -> String {
        pieces.map {
            switch $0 {
            case .words(let words): return words
            case .quoted(let value): return mask(value)
            }
        }.joined()
    }
}
