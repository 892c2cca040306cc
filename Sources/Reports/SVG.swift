import Foundation

/// Inline SVG charts as plain strings: no scripts, no network, readable in any browser. Every
/// data mark carries class="mark" so a test can count what was drawn.
enum SVG {
    static let upload = "#1f77b4"
    static let download = "#ff7f0e"
    static let failure = "#d62728"
    /// The outline of the recommended cell on every chart: a colour no data mark uses.
    static let chosen = "#e7298a"
    /// One colour per cell on the time charts (cycled past ten cells).
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939"]
    /// The heatmap's scale runs from the lightest to the darkest blue (the best cell).
    static let scaleLow = (r: 0xde, g: 0xeb, b: 0xf7)
    static let scaleHigh = (r: 0x08, g: 0x30, b: 0x6b)

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }

    static func scaleColor(_ fraction: Double) -> String {
        let f = min(1, max(0, fraction))
        let r = Int(Double(scaleLow.r) + (Double(scaleHigh.r) - Double(scaleLow.r)) * f)
        let g = Int(Double(scaleLow.g) + (Double(scaleHigh.g) - Double(scaleLow.g)) * f)
        let b = Int(Double(scaleLow.b) + (Double(scaleHigh.b) - Double(scaleLow.b)) * f)
        return String(format: "#%02x%02x%02x", r, g, b)
    }

    /// Wide enough for a title in 14 px bold (about 8 px a character), whatever the plot needs.
    static func width(_ plot: Int, title: String) -> Int { max(plot, 30 + 8 * title.count) }

    static func open(_ name: String, width: Int, height: Int, title: String) -> String {
        let width = Self.width(width, title: title)
        // Diagonal hatching for heatmap cells whose interval reaches the best one's.
        return "<svg class=\"chart\" data-chart=\"\(name)\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">"
            + "<defs><pattern id=\"hatch-\(name)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#fff\" stroke-opacity=\"0.55\" stroke-width=\"2\"/></pattern></defs>"
            + "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
    }

    /// A round top for an axis from 0: 1, 2, 2.5, 4, 5 or 8 × 10^k, at or above `value`, so that its
    /// quarters (the ticks) are round numbers too.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 2.5, 4.0, 5.0, 8.0, 10.0] where step * magnitude >= value * 0.999 { return step * magnitude }
        return 10 * magnitude
    }

    /// A rectangle outlining the recommended cell's mark.
    static func outline(x: Double, y: Double, width: Double, height: Double, tip: String) -> String {
        String(format: "<rect class=\"chosen\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"%@\" stroke-width=\"3\"><title>%@</title></rect>",
               x, y, width, height, chosen, escape(tip))
    }

    /// Rows × columns of values, coloured from light to dark; empty where nothing was measured.
    /// `intervals` (same shape) hatch the cells whose interval reaches the best cell's low end: the
    /// run cannot tell them from the best. `chosen` (row, column) is outlined.
    static func heatmap(name: String, title: String, rows: [String], columns: [String], rowTitle: String, columnTitle: String,
                        values: [[Double?]], intervals: [[(low: Double, high: Double)?]] = [], chosen: (row: Int, column: Int)? = nil,
                        chosenLabel: String = "") -> String {
        let cellW = 90, cellH = 34, left = 110, top = 60
        let width = max(760, left + cellW * columns.count + 20), height = top + cellH * rows.count + 54
        let all = values.flatMap { $0 }.compactMap { $0 }
        let low = all.min() ?? 0, high = all.max() ?? 1
        // The best cell's interval: cells whose own interval reaches its low end are not told apart from it.
        var bestLow: Double?
        for (r, row) in values.enumerated() { for (c, value) in row.enumerated() where value == high { bestLow = intervalAt(intervals, r, c)?.low } }
        var svg = open(name, width: width, height: height, title: title)
        svg += "<text x=\"\(left)\" y=\"40\">\(escape(columnTitle)) →</text><text x=\"10\" y=\"40\">\(escape(rowTitle)) ↓</text>"
        for (c, column) in columns.enumerated() {
            svg += "<text x=\"\(left + c * cellW + cellW / 2)\" y=\"\(top - 6)\" text-anchor=\"middle\">\(escape(column))</text>"
        }
        for (r, row) in rows.enumerated() {
            svg += "<text x=\"\(left - 8)\" y=\"\(top + r * cellH + cellH / 2 + 4)\" text-anchor=\"end\">\(escape(row))</text>"
            for (c, value) in values[r].enumerated() {
                let x = left + c * cellW, y = top + r * cellH
                guard let value else {
                    svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cellW - 2)\" height=\"\(cellH - 2)\" fill=\"#f4f4f4\"/>"
                    continue
                }
                let fraction: Double = high > low ? (value - low) / (high - low) : 1
                let color: String = scaleColor(fraction)
                let interval = intervalAt(intervals, r, c)
                let tip: String = "\(escape(row)) × \(escape(columns[c])): \(number(value)) MB/s" + (interval.map { " (interval \(number($0.low))–\(number($0.high)))" } ?? "")
                let ink: String = fraction > 0.5 ? "#fff" : "#000"
                svg += "<rect class=\"mark\" x=\"\(x)\" y=\"\(y)\" width=\"\(cellW - 2)\" height=\"\(cellH - 2)\" fill=\"\(color)\"><title>\(tip)</title></rect>"
                if let interval, let bestLow, value != high, interval.high >= bestLow {
                    svg += "<rect class=\"tied\" x=\"\(x)\" y=\"\(y)\" width=\"\(cellW - 2)\" height=\"\(cellH - 2)\" fill=\"url(#hatch-\(name))\"/>"
                }
                svg += "<text x=\"\(x + cellW / 2)\" y=\"\(y + cellH / 2 + 4)\" text-anchor=\"middle\" fill=\"\(ink)\">\(number(value))</text>"
                if let chosen, chosen.row == r, chosen.column == c {
                    svg += outline(x: Double(x) - 1, y: Double(y) - 1, width: Double(cellW), height: Double(cellH), tip: chosenLabel)
                }
            }
        }
        let spread = low > 0 ? String(format: " (a %.0f%% spread)", (high - low) / low * 100) : ""
        return svg + "<text x=\"10\" y=\"\(height - 26)\" fill=\"#555\">median MB/s; colour from \(number(low)) to \(number(high))\(spread), darker is faster</text>"
            + "<text x=\"10\" y=\"\(height - 10)\" fill=\"#555\">hatched: its interval reaches the best's (not told apart); outlined: the recommended cell</text></svg>"
    }

    static func intervalAt(_ intervals: [[(low: Double, high: Double)?]], _ r: Int, _ c: Int) -> (low: Double, high: Double)? {
        intervals.indices.contains(r) && intervals[r].indices.contains(c) ? intervals[r][c] : nil
    }

    /// Vertical bars, one group per label, one bar per series, each with its interval as an error
    /// bar when given; the bar at index `chosen` is outlined.
    static func bars(name: String, title: String, labels: [String], series: [(name: String, color: String, values: [Double?])],
                     intervals: [(low: Double, high: Double)?] = [], chosen: Int? = nil, chosenLabel: String = "", xTitle: String = "",
                     unit: String) -> String {
        let groupW = max(60, 30 * series.count + 20), left = 60, top = 40, plotH = 200
        let width = max(620, left + groupW * labels.count + 140, 20 + 7 * xTitle.count), height = top + plotH + 56
        let high = niceCeiling(max((series.flatMap { $0.values.compactMap { $0 } } + intervals.compactMap { $0?.high }).max() ?? 1, 1e-9))
        var svg = open(name, width: width, height: height, title: title)
        svg += axis(left: left, top: top, width: groupW * labels.count, height: plotH, high: high, unit: unit)
        for (g, label) in labels.enumerated() {
            let x0 = left + g * groupW + 10
            svg += "<text x=\"\(x0 + (groupW - 20) / 2)\" y=\"\(top + plotH + 16)\" text-anchor=\"middle\">\(escape(label))</text>"
            for (s, entry) in series.enumerated() {
                guard let value = entry.values[g] else { continue }
                let h = Int(Double(plotH) * value / high)
                let barW = (groupW - 20) / series.count
                let x = x0 + s * barW
                svg += "<rect class=\"mark\" x=\"\(x)\" y=\"\(top + plotH - h)\" width=\"\(barW - 2)\" height=\"\(max(1, h))\" fill=\"\(entry.color)\"><title>\(escape(entry.name)) \(escape(label)): \(number(value)) \(unit)</title></rect>"
                if intervals.indices.contains(g), let interval = intervals[g] {
                    let yLow = Double(top + plotH) - Double(plotH) * interval.low / high, yHigh = Double(top + plotH) - Double(plotH) * interval.high / high
                    let mid = Double(x) + Double(barW - 2) / 2
                    svg += String(format: "<path class=\"interval\" d=\"M%.1f %.1fV%.1fM%.1f %.1fh10M%.1f %.1fh10\" stroke=\"#222\" stroke-width=\"1.5\"><title>interval %@–%@ %@</title></path>",
                                  mid, yLow, yHigh, mid - 5, yLow, mid - 5, yHigh, number(interval.low), number(interval.high), unit)
                }
                if chosen == g {
                    svg += outline(x: Double(x) - 2, y: Double(top + plotH - h) - 2, width: Double(barW + 2), height: Double(max(1, h) + 4), tip: chosenLabel)
                }
            }
        }
        if !xTitle.isEmpty { svg += "<text x=\"10\" y=\"\(top + plotH + 38)\" fill=\"#555\">\(escape(xTitle))</text>" }
        svg += legend(series.map { ($0.name, $0.color) }, x: left + groupW * labels.count + 10, y: top + 10)
        return svg + "</svg>"
    }

    /// Points over time: one dot per trial; points marked `chosen` get a ring.
    static func scatter(name: String, title: String, points: [(x: Double, y: Double, color: String, chosen: Bool)], series: [(String, String)],
                        xTitle: String, unit: String) -> String {
        let left = 60, top = 40, plotW = 700, plotH = 220
        let width = left + plotW + 170, height = max(top + plotH + 50, top + 18 * series.count + 20)
        let xHigh = niceCeiling(max(points.map(\.x).max() ?? 1, 1e-9)), yHigh = niceCeiling(max(points.map(\.y).max() ?? 1, 1e-9))
        var svg = open(name, width: width, height: height, title: title)
        svg += axis(left: left, top: top, width: plotW, height: plotH, high: yHigh, unit: unit)
        svg += xTicks(left: left, top: top + plotH, width: plotW, high: xHigh)
        svg += "<text x=\"\(left + plotW / 2)\" y=\"\(top + plotH + 34)\" text-anchor=\"middle\">\(escape(xTitle))</text>"
        for p in points {
            let x = Double(left) + Double(plotW) * p.x / xHigh, y = Double(top + plotH) - Double(plotH) * p.y / yHigh
            svg += String(format: "<circle class=\"mark\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%@\"/>", x, y, p.color)
            if p.chosen { svg += String(format: "<circle class=\"chosen\" cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"none\" stroke=\"%@\" stroke-width=\"2\"/>", x, y, chosen) }
        }
        svg += legend(series, x: left + plotW + 10, y: top + 10)
        return svg + "</svg>"
    }

    /// Measured points on numeric axes (both from 0), with an optional fitted curve drawn through them.
    static func curve(name: String, title: String, points: [(x: Double, y: Double)], color: String,
                      model: ((Double) -> Double)?, xTitle: String, unit: String) -> String {
        let left = 60, top = 40, plotW = 600, plotH = 220
        let width = left + plotW + 150, height = top + plotH + 56
        let xHigh = niceCeiling(max(points.map(\.x).max() ?? 1, 1))
        let curveValues = model.map { f in stride(from: 1.0, through: xHigh, by: max(xHigh / 100, 0.01)).map { ($0, f($0)) } } ?? []
        let yHigh = niceCeiling(max((points.map(\.y) + curveValues.map(\.1)).max() ?? 1, 1e-9) * 1.05)
        func px(_ x: Double) -> Double { Double(left) + Double(plotW) * x / xHigh }
        func py(_ y: Double) -> Double { Double(top + plotH) - Double(plotH) * y / yHigh }
        var svg = open(name, width: width, height: height, title: title)
        svg += axis(left: left, top: top, width: plotW, height: plotH, high: yHigh, unit: unit)
        svg += xTicks(left: left, top: top + plotH, width: plotW, high: xHigh)
        svg += "<text x=\"\(left + plotW / 2)\" y=\"\(top + plotH + 40)\" text-anchor=\"middle\">\(escape(xTitle))</text>"
        if !curveValues.isEmpty {
            let path = curveValues.map { String(format: "%.1f,%.1f", px($0.0), py($0.1)) }.joined(separator: " ")
            svg += "<polyline class=\"fit\" points=\"\(path)\" fill=\"none\" stroke=\"#555\" stroke-dasharray=\"5,3\"/>"
        }
        for p in points {
            svg += String(format: "<circle class=\"mark\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%@\"><title>%@: %@ %@</title></circle>",
                          px(p.x), py(p.y), color, number(p.x), number(p.y), unit)
        }
        var entries = [("measured", color)]
        if model != nil { entries.append(("USL fit", "#555")) }
        return svg + legend(entries, x: left + plotW + 10, y: top + 10) + "</svg>"
    }

    /// Five labelled ticks along a horizontal axis from 0 to `high`.
    static func xTicks(left: Int, top: Int, width: Int, high: Double) -> String {
        (0...4).map { tick in
            let x = left + width * tick / 4
            return "<line x1=\"\(x)\" y1=\"\(top)\" x2=\"\(x)\" y2=\"\(top + 4)\" stroke=\"#333\"/>"
                + "<text class=\"tick\" x=\"\(x)\" y=\"\(top + 16)\" text-anchor=\"middle\" fill=\"#555\">\(number(high * Double(tick) / 4))</text>"
        }.joined()
    }

    /// Horizontal stacked bars: one row per label, segments that add up (e.g. connect, wait, transfer).
    static func stacked(name: String, title: String, labels: [String], segments: [(name: String, color: String)],
                        values: [[Double]], unit: String) -> String {
        let left = 240, top = 40, rowH = 26, plotW = 520
        let width = left + plotW + 170, height = top + rowH * labels.count + 40
        let high = niceCeiling(max(values.map { $0.reduce(0, +) }.max() ?? 1, 1e-9))
        var svg = open(name, width: width, height: height + 20, title: title)
        svg += xTicks(left: left, top: top + rowH * labels.count, width: plotW, high: high)
        for (r, label) in labels.enumerated() {
            let y = top + r * rowH
            svg += "<text x=\"\(left - 8)\" y=\"\(y + rowH / 2 + 4)\" text-anchor=\"end\">\(escape(label))</text>"
            var x = Double(left)
            for (s, segment) in segments.enumerated() {
                let w = Double(plotW) * values[r][s] / high
                if w > 0 {
                    svg += String(format: "<rect class=\"mark\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%@\"><title>%@ %@: %@ %@</title></rect>",
                                  x, y, max(1, w), rowH - 6, segment.color, escape(label), escape(segment.name), number(values[r][s]), unit)
                }
                x += w
            }
            svg += "<text x=\"\(Int(x) + 6)\" y=\"\(y + rowH / 2 + 4)\">\(number(values[r].reduce(0, +))) \(unit)</text>"
        }
        svg += legend(segments.map { ($0.name, $0.color) }, x: left + plotW + 80, y: top + 10)
        return svg + "</svg>"
    }

    static func axis(left: Int, top: Int, width: Int, height: Int, high: Double, unit: String) -> String {
        var svg = "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + height)\" stroke=\"#333\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top + height)\" x2=\"\(left + width)\" y2=\"\(top + height)\" stroke=\"#333\"/>"
        for tick in 0...4 {
            let value = high * Double(tick) / 4, y = top + height - height * tick / 4
            svg += "<text class=\"tick\" x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\" fill=\"#555\">\(number(value))</text>"
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(left + width)\" y2=\"\(y)\" stroke=\"#eee\"/>"
        }
        return svg + "<text x=\"\(left - 50)\" y=\"\(top - 8)\" fill=\"#555\">\(escape(unit))</text>"
    }

    static func legend(_ entries: [(String, String)], x: Int, y: Int) -> String {
        entries.enumerated().map { i, entry in
            "<rect x=\"\(x)\" y=\"\(y + i * 18)\" width=\"12\" height=\"12\" fill=\"\(entry.1)\"/><text x=\"\(x + 18)\" y=\"\(y + i * 18 + 11)\">\(escape(entry.0))</text>"
        }.joined()
    }
}
