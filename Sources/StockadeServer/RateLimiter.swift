import Foundation
import Synchronization

/// A fixed-window counter per key: at most `limit` events per `window`; beyond that, the caller is told how long
/// to wait. Time comes from `now`, so tests run without sleeping. Keys whose window ended are dropped as the map grows.
final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let now: @Sendable () -> Date
    private let state = Mutex<[String: (start: Date, count: Int)]>([:])

    init(limit: Int, window: TimeInterval, now: @escaping @Sendable () -> Date = Date.init) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    /// Counts one event for `key`; nil if allowed, else the seconds until the window ends (at least 1).
    func admit(_ key: String) -> Int? {
        let time = now()
        return state.withLock { windows in
            if windows.count > 100_000 {
                windows = windows.filter { time.timeIntervalSince($0.value.start) < window }
            }
            var entry = windows[key] ?? (time, 0)
            if time.timeIntervalSince(entry.start) >= window { entry = (time, 0) }
            guard entry.count < limit else {
                return max(1, Int((window - time.timeIntervalSince(entry.start)).rounded(.up)))
            }
            entry.count += 1
            windows[key] = entry
            return nil
        }
    }
}
