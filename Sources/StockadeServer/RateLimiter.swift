import Foundation
import Synchronization

/// A fixed-window counter per key: at most `limit` events per `window`, counted from a key's first event; beyond that,
/// the caller is told how long to wait. Time comes from `now`, so tests run without sleeping.
///
/// Memory is bounded without scanning: counters live in two generations of at most `capacity / 2` keys each. A key
/// seen again moves to the current generation; when that fills, it becomes the previous one and the older previous
/// generation is dropped whole (an approximate least-recently-used eviction, O(1) per event). A key evicted that way
/// starts a new window: under a flood of more than `capacity` distinct keys per window the limit loosens for the
/// flooder's own keys, never for anyone else, and never blocks a key that did not exceed it.
final class RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    /// Most keys remembered at once.
    let capacity: Int
    private let now: @Sendable () -> Date
    private let state: Mutex<Generations>

    private struct Window {
        var start: Date
        var count: Int
    }

    private struct Generations {
        var current: [String: Window] = [:]
        var previous: [String: Window] = [:]
    }

    init(limit: Int, window: TimeInterval, capacity: Int = 200_000, now: @escaping @Sendable () -> Date = Date.init) {
        self.limit = limit
        self.window = window
        self.capacity = max(2, capacity)
        self.now = now
        state = Mutex(Generations())
    }

    /// Counts one event for `key`; nil if allowed, else the seconds until the key's window ends (at least 1).
    func admit(_ key: String) -> Int? {
        let time = now()
        return state.withLock { generations in
            var entry = generations.current[key] ?? generations.previous.removeValue(forKey: key) ?? Window(start: time, count: 0)
            if time.timeIntervalSince(entry.start) >= window { entry = Window(start: time, count: 0) }
            defer {
                if generations.current.count >= capacity / 2 {
                    generations.previous = generations.current
                    generations.current = [:]
                }
            }
            guard entry.count < limit else {
                generations.current[key] = entry
                return max(1, Int((window - time.timeIntervalSince(entry.start)).rounded(.up)))
            }
            entry.count += 1
            generations.current[key] = entry
            return nil
        }
    }

    /// How many keys are remembered now (at most `capacity`).
    var rememberedKeys: Int { state.withLock { $0.current.count + $0.previous.count } }
}
