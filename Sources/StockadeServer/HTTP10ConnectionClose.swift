import NIOCore
import NIOHTTP1

/// HTTP/1.0 clients that send no `Connection: keep-alive` read the response until the server closes (RFC 1945
/// §7.2.2); GnuPG's dirmngr does, for every HKP request. Hummingbird keeps every connection open unless the request
/// says `Connection: close`, so this handler says it for them: it marks such HTTP/1.0 request heads before they are
/// converted to HTTP types, which drops the version.
final class HTTP10ConnectionClose: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive, !head.headers.contains(name: "connection") {
            head.headers.add(name: "Connection", value: "close")
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        }
        context.fireChannelRead(data)
    }

    /// Hummingbird adds its extra handlers after the HTTP-types conversion; this one moves ``HTTP10ConnectionClose``
    /// in front of it, right after NIO's HTTP/1 decoding, and removes itself.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            if let decoding = try? pipeline.handler(type: HTTPServerPipelineHandler.self) {
                try? pipeline.addHandler(HTTP10ConnectionClose(), position: .after(decoding))
            } else if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                try? pipeline.addHandler(HTTP10ConnectionClose(), position: .after(decoder))
            }
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
