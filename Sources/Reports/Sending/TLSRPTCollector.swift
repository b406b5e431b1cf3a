public import Foundation
public import Logging
#if canImport(Glibc)
import Glibc
#endif
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
        let socket = try CollectorSocket(path: path)
        defer { socket.close() }
        logger.info("TLSRPT collector listening", metadata: ["socket": "\(path)"])
        onBound()
        // NIO's datagram channel cannot take datagrams from unbound unix sockets (libtlsrpt sends from one), so the
        // socket is read without blocking, with a short pause whenever it is empty.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if let bytes = socket.receive(limit: CollectorDatagram.maximumSize + 1) {
                    await receive(bytes)
                } else {
                    try await Task.sleep(for: Self.pollInterval)
                }
            }
        }
    }

    /// The pause when no datagram is waiting.
    static let pollInterval = Duration.milliseconds(20)

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
