import CompressNIO
import NIOCore

extension Report {
    /// The report as `application/tlsrpt+gzip` (RFC 8460 §5.3): ``json()`` compressed with gzip, as it is posted
    /// to an `https:` rua or attached to a mail.
    /// - Throws: ``TLSRPTError`` `compressionFailed` only when zlib cannot allocate memory.
    public func gzip() throws(TLSRPTError) -> [UInt8] {
        var input = ByteBuffer(bytes: json())
        do {
            let compressed = try input.compress(with: .gzip())
            return Array(compressed.readableBytesView)
        } catch {
            throw .compressionFailed("\(error)")
        }
    }
}
