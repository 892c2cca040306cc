import Analysis
import Model

/// The top of the report: what to set (a copyable block), why (one paragraph), and badges for the
/// run's status and what may make the answer mean less; the evidence for each value folded below.
struct DecisionBlock {
    let network: String?
    let recommendation: Result<Recommendation, Error>
    let runStatus: RunStatus

    var html: String {
        let on = network.map { " on network \(SVG.escape($0))" } ?? ""
        let r: Recommendation
        switch recommendation {
        case .success(let value): r = value
        case .failure(let error):
            return "<section class=\"decision\"><h2>No recommendation\(on)</h2><p class=\"reason\">\(SVG.escape("\(error)"))</p></section>"
        }
        let settings = r.settings.map(Self.line).joined(separator: "\n")
        let client = r.clientProperties.map(Self.line).joined(separator: "\n")
        var html = "<section class=\"decision\" data-chosen-cell=\"\(r.chosen.cellId)\"><h2>Set these\(on)</h2>"
        html += "<div class=\"badges\">" + badges(r).map { "<span class=\"badge \($0.kind.rawValue)\"\($0.caution.map { " data-caution=\"\($0.rawValue)\"" } ?? "") title=\"\(SVG.escape($0.tip))\">\(SVG.escape($0.text))</span>" }.joined() + "</div>"
        html += "<p>Score's server (<code>.env.score</code>):</p><pre class=\"settings\">\(settings)</pre>"
        html += "<p>score-client (<code>conf/application.properties</code>; <code>scoretune recommend --for</code> writes them for rclone, s5cmd, the AWS CLI and Helm too):</p>"
            + "<pre class=\"settings client\">\(client)</pre>"
        if r.settings.contains(where: { $0.basis != .measured }) || r.clientProperties.contains(where: { $0.basis != .measured }) {
            html += "<p class=\"bases\">Marked <span class=\"basis modelled\">modelled</span>: sized from a model of the path's measured faults, not chosen by the grid. "
                + "Marked <span class=\"basis kept\">kept</span>: no evidence covers it, so the file's value (or the client's own default) stands unchanged.</p>"
        }
        html += "<p class=\"reason\">\(SVG.escape(reason(r)))</p>"
        html += "<details><summary>The evidence for each value</summary><pre class=\"recommendation\">\(SVG.escape(r.envFragment))</pre></details>"
        return html + "</section>"
    }

    /// One setting's line; a modelled or kept value is marked as such, visibly apart from the measured ones.
    static func line(_ setting: Recommendation.Setting) -> String {
        let text = SVG.escape("\(setting.name)=\(setting.value)")
        switch setting.basis {
        case .measured:
            return "<span class=\"setting\" data-basis=\"measured\">\(text)</span>"
        case .modelled, .kept:
            return "<span class=\"setting \(setting.basis.rawValue)\" data-basis=\"\(setting.basis.rawValue)\" title=\"\(SVG.escape(setting.why))\">\(text)</span>"
                + "<span class=\"basis \(setting.basis.rawValue)\">  # \(setting.basis.rawValue)</span>"
        }
    }

    /// One paragraph: the chosen cell, its figure with its interval, the runner-up, and the rule that chose.
    func reason(_ r: Recommendation) -> String {
        let c = r.chosen
        var text = c.label.prefix(1).uppercased() + c.label.dropFirst() + " is chosen for \(r.objective.rawValue): "
            + "median \(SVG.number(c.median)) MB/s, \(Statistics.intervalName(c.level)) \(SVG.number(c.low))–\(SVG.number(c.high)) over \(c.trials) measurements"
        if let runnerUp = r.runnerUp {
            text += "; the runner-up, cell \(runnerUp.cellId), made \(SVG.number(runnerUp.median)) MB/s (\(SVG.number(runnerUp.low))–\(SVG.number(runnerUp.high)))"
        }
        return text + ". " + r.reason.prefix(1).uppercased() + r.reason.dropFirst() + (r.reason.hasSuffix(".") ? "" : ".")
    }

    struct Badge: Equatable {
        var text: String
        var kind: Tone
        var tip: String
        /// The caution it stands for (nil: the run's status, or "no caution").
        var caution: Caution.Kind?
    }

    /// The badge's colour, as the stylesheet names it.
    enum Tone: String { case ok, warn, bad }

    func badges(_ r: Recommendation) -> [Badge] {
        var badges = [Badge(text: "run \(runStatus.rawValue)", kind: runStatus == .completed ? .ok : .warn, tip: "the run's status")]
        badges += r.findings.map(Self.badge)
        if r.findings.isEmpty { badges.append(Badge(text: "no caution", kind: .ok, tip: "no measurement caution applies")) }
        return badges
    }

    /// One badge per caution, its words and tone chosen by what the caution is.
    static func badge(_ caution: Caution) -> Badge {
        let tone: Tone
        switch caution.severity {
        case .notice: tone = .warn
        case .warning: tone = .bad
        }
        return Badge(text: CautionWording.short(caution), kind: tone, tip: caution.text, caution: caution.kind)
    }
}
