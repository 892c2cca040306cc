/// Runs `body` for every item with at most `width` at once; the first failure cancels the rest.
public func inParallel<Item: Sendable>(_ items: [Item], width: Int, _ body: @escaping @Sendable (Item) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        func startNext() {
            // Once cancelled, nothing new starts: what runs sees the cancellation itself.
            guard next < items.count, !Task.isCancelled else { return }
            let item = items[next]
            next += 1
            group.addTask { try await body(item) }
        }
        for _ in 0..<max(1, width) { startNext() }
        while try await group.next() != nil { startNext() }
    }
}
