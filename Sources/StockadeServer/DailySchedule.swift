import Foundation
import ServiceLifecycle

/// The daily rhythm of the report jobs (DMARC aggregate reports, TLS reports): a round at start, then one at a fixed
/// UTC hour each day, until graceful shutdown.
enum DailySchedule {
    /// The first `hour` o'clock UTC (clamped to 0–23) after `time`: today's, or tomorrow's once it has passed.
    static func nextRun(after time: Date, hour: Int) -> Date {
        let midnight = Date(timeIntervalSince1970: (time.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let candidate = midnight.addingTimeInterval(TimeInterval(min(max(hour, 0), 23) * 3600))
        return candidate > time ? candidate : candidate.addingTimeInterval(86_400)
    }

    /// Runs `round` now and then at each next `hour`, until the task is cancelled or the service is shut down.
    static func run(hour: Int, now: @Sendable () -> Date, _ round: () async -> Void) async {
        while !Task.isCancelled {
            await round()
            let wait = nextRun(after: now(), hour: hour).timeIntervalSince(now())
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(max(1, wait))) }
            } catch {
                return
            }
        }
    }
}
