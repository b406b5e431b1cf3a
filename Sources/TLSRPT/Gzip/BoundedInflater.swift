import CompressNIO
import NIOCore

/// Inflates a gzip stream (RFC 1952) and stops as soon as the output would pass a limit, so a small bomb costs at
/// most the limit in memory and time.
///
/// Output is produced in windows of at most ``windowSize`` octets, each no larger than what the limit still
/// allows plus one octet; the moment the output exceeds the limit, inflating stops.
public struct BoundedInflater: Sendable {
    /// The largest piece inflated at a time.
    public static let windowSize = 64 << 10

    /// The most octets the stream may inflate to.
    public let limit: Int
    /// Octets inflated so far, across calls; never more than `limit + 1`.
    public private(set) var inflatedCount = 0

    /// An inflater refusing output beyond `limit` octets.
    public init(limit: Int = Report.maximumSize) {
        self.limit = limit
    }

    /// Inflates one complete gzip member.
    /// - Throws: ``TLSRPTError`` `inflateLimitExceeded`, `corruptGzip`, `truncatedGzip` or `trailingData`.
    public mutating func inflate(_ compressed: [UInt8]) throws(TLSRPTError) -> [UInt8] {
        let decompressor: ZlibDecompressor
        do { decompressor = try ZlibDecompressor(algorithm: .gzip) } catch { throw .corruptGzip }
        var input = ByteBuffer(bytes: compressed)
        var window = ByteBufferAllocator().buffer(capacity: Self.windowSize)
        var output: [UInt8] = []
        output.reserveCapacity(min(limit + 1, compressed.count * 4))
        while true {
            // Offer no more room than the limit leaves, plus one octet to detect passing it.
            let room = min(Self.windowSize, limit + 1 - inflatedCount)
            window.moveWriterIndex(to: window.capacity - room)
            window.moveReaderIndex(to: window.capacity - room)
            let consumedBefore = input.readerIndex
            var outputFull = false
            do {
                try decompressor.inflate(from: &input, to: &window)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                outputFull = true
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                throw .truncatedGzip
            } catch {
                throw .corruptGzip
            }
            inflatedCount += window.readableBytes
            guard inflatedCount <= limit else { throw .inflateLimitExceeded(limit) }
            output += window.readableBytesView
            if outputFull { continue }
            // No error and room left: either the stream ended, or all input was used and zlib wants more.
            if input.readableBytes > 0 {
                // zlib stops at the end of the member; a call that consumes nothing more means input follows it.
                if input.readerIndex == consumedBefore && window.readableBytes == 0 { throw .trailingData }
                continue
            }
            guard try Self.hasEnded(decompressor) else { throw .truncatedGzip }
            return output
        }
    }

    /// Whether the member has ended: an ended stream refuses a further octet without consuming it.
    private static func hasEnded(_ decompressor: ZlibDecompressor) throws(TLSRPTError) -> Bool {
        var probe = ByteBuffer(bytes: [0])
        var sink = ByteBufferAllocator().buffer(capacity: 16)
        do {
            try decompressor.inflate(from: &probe, to: &sink)
        } catch {
            return false
        }
        return probe.readableBytes == 1
    }
}

extension Report {
    /// Reads the gzip form of a report (`application/tlsrpt+gzip`, RFC 8460 §5.3), inflating at most
    /// ``maximumSize`` octets.
    public static func parse(gzip bytes: [UInt8]) throws(TLSRPTError) -> ParsedReport {
        var inflater = BoundedInflater()
        let parsed = try parse(json: inflater.inflate(bytes))
        return ParsedReport(report: parsed.report, deviations: parsed.deviations, form: .gzip)
    }
}
