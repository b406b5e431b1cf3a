package import Foundation

/// A settable clock for validity decisions.
package final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    package init(_ date: Date) { current = date }
    package var now: Date { lock.withLock { current } }
    package func set(_ date: Date) { lock.withLock { current = date } }
    package func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

package func temporaryDatabasePath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("stockade-\(UUID().uuidString.prefix(8)).sqlite").path
}

package func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
