import CompressNIO
import NIOCore

extension Report {
    /// The report as `application/tlsrpt+gzip` (RFC 8460 §5.3): ``json()`` compressed with gzip, as it is posted
    /// to an `https:` rua or attached to a mail.
    /// - Throws: ``TLSRPTError`` `compressionFailed` only when zlib cannot allocate memory.
    public func gzip() throws(TLSRPTError) -> [UInt8] {
        try Gzip.compress(json())
    }
}

/// gzip (RFC 1952) for the reports Stockade sends: TLSRPT here, DMARC aggregate reports (RFC 9990) in the server.
package enum Gzip {
    /// `bytes` compressed with gzip.
    /// - Throws: ``TLSRPTError`` `compressionFailed` only when zlib cannot allocate memory.
    package static func compress(_ bytes: [UInt8]) throws(TLSRPTError) -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        do {
            let compressed = try input.compress(with: .gzip())
            return Array(compressed.readableBytesView)
        } catch {
            throw .compressionFailed("\(error)")
        }
    }
}
