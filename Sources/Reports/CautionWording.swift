import Analysis

/// A caution's few words, for a badge or a list item: chosen by what the caution is, in one switch
/// the compiler keeps complete.
enum CautionWording {
    static func short(_ caution: Caution) -> String {
        switch caution {
        case .incompleteRun: return "incomplete run"
        case .loopbackKept: return "loopback: retry and timeouts kept"
        case .faultFreeKept: return "no fault seen: retry and timeouts kept"
        case .searchFallback: return "chosen among set-aside cells"
        case .clientSaturated: return "client saturated"
        case .drift: return "drift"
        case .resumed: return "resumed across sessions"
        }
    }
}
