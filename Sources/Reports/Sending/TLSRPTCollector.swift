public import Foundation
public import Logging
public import NIOCore
import NIOPosix
public import ServiceLifecycle
import Store
import Synchronization
import TLSRPT

/// The collector MTAs report their TLS sessions to through libtlsrpt (Postfix 3.10+ `smtp_tlsrpt_socket_name`): a
/// unix datagram socket, one JSON datagram per delivery attempt (``CollectorDatagram``), each counted into the store
/// by a ``TLSSessionRecorder``. Datagrams that do not parse are dropped and counted, as a collector cannot answer.
public struct TLSRPTCollector: Service {
    /// What the collector has done so far, for tests and logs.
    public struct Counts: Sendable, Equatable {
        public var stored = 0
        public var refused = 0
        public var failedToStore = 0
    }

    let path: String
    let recorder: TLSSessionRecorder
    let logger: Logger
    let now: @Sendable () -> Date
    let onBound: @Sendable () -> Void
    let counts = CountsBox()

    /// - Parameters:
    ///   - path: the socket's path; an old socket file there is replaced, and the file is removed on shutdown.
    ///   - now: the clock that dates sessions; `onBound`: called once the socket exists.
    public init(path: String, recorder: TLSSessionRecorder, logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
                onBound: @escaping @Sendable () -> Void = {}) {
        self.path = path
        self.recorder = recorder
        self.logger = logger
        self.now = now
        self.onBound = onBound
    }

    /// The counts so far.
    public var current: Counts { counts.value }

    public func run() async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            // One octet more than the limit, so a datagram past it is seen as too large instead of cut short.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: CollectorDatagram.maximumSize + 1))
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                }
            }
        defer { try? FileManager.default.removeItem(atPath: path) }
        logger.info("TLSRPT collector listening", metadata: ["socket": "\(path)"])
        onBound()
        try await withGracefulShutdownHandler {
            try await channel.executeThenClose { inbound, _ in
                for try await envelope in inbound {
                    await receive(Array(envelope.data.readableBytesView))
                }
            }
        } onGracefulShutdown: {
            channel.channel.close(promise: nil)
        }
    }

    /// Parses and stores one datagram.
    func receive(_ bytes: [UInt8]) async {
        let datagram: CollectorDatagram
        do {
            datagram = try CollectorDatagram.parse(bytes)
        } catch {
            counts.add { $0.refused += 1 }
            logger.notice("a TLSRPT datagram was refused", metadata: ["code": "\(error.code)", "octets": "\(bytes.count)"])
            return
        }
        do {
            try await recorder.record(datagram, at: now())
            counts.add { $0.stored += 1 }
        } catch {
            counts.add { $0.failedToStore += 1 }
            logger.error("TLS sessions could not be stored", metadata: ["error": "\(error)"])
        }
    }
}

/// The collector's counts behind a lock.
final class CountsBox: Sendable {
    private let counts = Mutex(TLSRPTCollector.Counts())
    var value: TLSRPTCollector.Counts { counts.withLock { $0 } }
    func add(_ change: (inout TLSRPTCollector.Counts) -> Void) { counts.withLock { change(&$0) } }
}
