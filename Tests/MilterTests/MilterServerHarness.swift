import Logging
import Milter
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A ``MilterServer`` running in a service group for one test, by default on a free port of 127.0.0.1.
final class RunningMilterServer: Sendable {
    private final class Ended: Sendable {
        let value = Mutex(false)
    }

    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let ended = Ended()
    let port: Int

    init(filter: some MilterFilter, address: MilterListenAddress = .inet(host: "127.0.0.1", port: 0),
         limits: MilterServerLimits = MilterServerLimits()) async throws {
        let bound = Mutex<Int?>(nil)
        let logger = Logger(label: "milter-test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = MilterServer(filter: filter, address: address, limits: limits, logger: logger,
                                  onBound: { address in bound.withLock { $0 = address.port ?? 0 } })
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [server], logger: logger))
        let ended = self.ended
        self.group = group
        task = Task {
            defer { ended.value.withLock { $0 = true } }
            try await group.run()
        }
        for _ in 0..<500 {
            if let port = bound.withLock({ $0 }) {
                self.port = port
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        throw ServerDidNotStart()
    }

    struct ServerDidNotStart: Error {}

    func stop() { task.cancel() }

    /// Starts the graceful shutdown that SIGTERM starts in `stockade milter`.
    func shutDownGracefully() async { await group.triggerGracefulShutdown() }

    /// Whether the server has returned within `timeout`.
    func hasEnded(within timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if ended.value.withLock({ $0 }) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return ended.value.withLock { $0 }
    }
}

/// A raw milter client: sends octets; a task collects what the server sends, and whether it closed.
final class RawMilterClient: Sendable {
    private struct State {
        var octets: [UInt8] = []
        var closed = false
        var writer: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
    private let channel: any Channel
    private let reader: Task<Void, Never>

    /// Connects to 127.0.0.1:`port`, or to the Unix socket at `unixPath`.
    init(port: Int = 0, unixPath: String? = nil) async throws {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        let wrap: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        let connection = if let unixPath {
            try await bootstrap.connect(unixDomainSocketPath: unixPath, channelInitializer: wrap)
        } else {
            try await bootstrap.connect(host: "127.0.0.1", port: port, channelInitializer: wrap)
        }
        let shared = self.shared
        channel = connection.channel
        reader = Task {
            try? await connection.executeThenClose { inbound, outbound in
                shared.state.withLock { $0.writer = outbound }
                for try await chunk in inbound { shared.state.withLock { $0.octets += chunk.readableBytesView } }
            }
            shared.state.withLock { $0.closed = true }
        }
    }

    func send(_ bytes: [UInt8]) async throws {
        for _ in 0..<2_000 {
            if let writer = shared.state.withLock({ $0.writer }) {
                try await writer.write(ByteBuffer(bytes: bytes))
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The octets received and not yet read.
    var available: Int { shared.state.withLock { $0.octets.count } }

    /// Exactly `count` octets, or fewer if the server closes first or nothing comes for 10 s.
    func read(_ count: Int) async throws -> [UInt8] {
        for _ in 0..<2_000 {
            if shared.state.withLock({ $0.octets.count >= count || $0.closed }) { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        return shared.state.withLock { state in
            let result = Array(state.octets.prefix(count))
            state.octets.removeFirst(result.count)
            return result
        }
    }

    /// Waits (up to 10 s) for the server to close the connection; returns the octets still unread, nil if it stayed open.
    func readUntilClosed() async throws -> [UInt8]? {
        for _ in 0..<2_000 {
            if let rest = shared.state.withLock({ state -> [UInt8]? in
                guard state.closed else { return nil }
                defer { state.octets = [] }
                return state.octets
            }) { return rest }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    func close() async {
        try? await channel.close()
        await reader.value
    }
}
