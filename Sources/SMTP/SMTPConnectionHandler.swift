import NIOCore
import NIOSSL
import NIOTLS

/// Drives one ``SMTPConversation`` on a channel: writes what it says, arms its timeouts, adds the TLS handler after
/// the `220` to STARTTLS (RFC 3207 §4), and completes `promise` exactly once, then closes the channel.
final class SMTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundOut = ByteBuffer

    private var machine: SMTPConversation
    private let promise: EventLoopPromise<SMTPSessionReport>
    private let tls: SMTPTLSSetup?
    private let boundary: PlaintextBoundary
    private let greetingTimeout: Duration
    private var timer: Scheduled<Void>?
    private var started = false
    /// Filled by the certificate callback or, under PKIX, from the handshake.
    private var peerCertificates: [[UInt8]] = []
    /// Why a custom check refused the chain, so the handshake error can say so.
    private var rejection: String?
    private let cipherSuite = ServerHelloObserver.Result()

    init(machine: SMTPConversation, tls: SMTPTLSSetup?, boundary: PlaintextBoundary, greetingTimeout: Duration,
         promise: EventLoopPromise<SMTPSessionReport>) {
        self.machine = machine
        self.tls = tls
        self.boundary = boundary
        self.greetingTimeout = greetingTimeout
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        perform(machine.connectionClosed(), context: context)
        timer?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        arm(greetingTimeout, context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        perform(machine.receivedReply(unwrapInboundIn(data)), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .handshakeCompleted? = event as? TLSUserEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        boundary.isClosed = false
        let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
        let version = switch handler?.tlsVersion {
        case .tlsv13: "TLSv1.3"
        case .tlsv12: "TLSv1.2"
        case let other: "\(other.map { "\($0)" } ?? "unknown")"
        }
        if peerCertificates.isEmpty, let leaf = try? handler?.peerCertificate?.toDERBytes() {
            peerCertificates = [leaf]
        }
        let details = SMTPTLSDetails(version: version, cipherSuite: cipherSuite.name, peerCertificates: peerCertificates)
        perform(machine.tlsEstablished(details), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        perform(machine.errorCaught(classify(error)), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.connectionClosed(), context: context)
        context.fireChannelInactive()
    }

    private func perform(_ action: SMTPConversation.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            return
        case .send(let bytes, let timeout):
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            arm(timeout, context: context)
        case .awaitReply(let timeout):
            arm(timeout, context: context)
        case .startTLS(let timeout):
            arm(timeout, context: context)
            do {
                guard let tls else { throw SMTPError.invalidConfiguration("no TLS context") }
                boundary.isClosed = true
                let operations = context.pipeline.syncOperations
                try operations.addHandler(tls.makeHandler(for: self, on: context.eventLoop), position: .first)
                try operations.addHandler(ServerHelloObserver(result: cipherSuite), position: .first)
                try operations.addHandler(QuickAcknowledgement(), position: .first)
            } catch {
                perform(machine.errorCaught(classify(error)), context: context)
            }
        case .succeed(let report):
            timer?.cancel()
            promise.succeed(report)
            context.close(promise: nil)
        case .fail(let error):
            timer?.cancel()
            promise.fail(error)
            context.close(promise: nil)
        }
    }

    private func arm(_ timeout: Duration, context: ChannelHandlerContext) {
        timer?.cancel()
        let loop = context.eventLoop.assumeIsolated()
        timer = loop.scheduleTask(in: TimeAmount(timeout)) { [self] in
            perform(machine.timedOut(), context: context)
        }
    }

    /// Records the chain a certificate callback saw and, when refused, why.
    func certificateChecked(_ chain: [[UInt8]], rejection: String?) {
        peerCertificates = chain
        self.rejection = rejection
    }

    /// Maps a NIO or NIOSSL error to the library's error.
    private func classify(_ error: any Error) -> SMTPError {
        if let error = error as? SMTPError { return error }
        if let rejection { return .certificateRejected(rejection) }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError { return .tls("\(error)") }
        return .connection("the server", "\(error)")
    }
}
