import NIOCore
import Synchronization

/// The server's open connections and whether each is inside a message, so a graceful shutdown closes idle ones at
/// once and the others right after their message's last reply.
final class OpenConnections: Sendable {
    private struct State {
        var idle: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
    }

    private let state = Mutex(State())

    /// A connection between messages; closed at once when the server is shutting down.
    func idle(_ channel: any Channel) {
        let close = state.withLock { state in
            state.idle[ObjectIdentifier(channel)] = channel
            return state.shuttingDown
        }
        if close { channel.close(promise: nil) }
    }

    /// A connection inside a message.
    func busy(_ channel: any Channel) {
        forget(channel)
    }

    /// A connection that has closed.
    func closed(_ channel: any Channel) {
        forget(channel)
    }

    private func forget(_ channel: any Channel) {
        state.withLock { _ = $0.idle.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Closes every idle connection and every connection that becomes idle from now on.
    func shutDown() {
        let idle = state.withLock { state in
            state.shuttingDown = true
            return Array(state.idle.values)
        }
        for channel in idle { channel.close(promise: nil) }
    }
}
