@testable import DKIM

/// The canonical forms of header fields appended to an array, for the tests: the library writes them in place
/// (``Canonicalization/write(header:to:)``, ``Canonicalization/write(raw:colonIndex:omitting:to:)``).
extension Canonicalization {
    /// `field` in canonical form with its final CRLF, appended to `out`.
    func canonicalize(header field: HeaderField, into out: inout [UInt8]) {
        Self.append(atMost: field.octets.count + 2, to: &out) { write(header: field, to: $0) }
    }

    /// The raw field `raw` in canonical form without a final CRLF, as if the octets at `omitted` were not there,
    /// appended to `out`.
    func canonicalize(raw: ArraySlice<UInt8>, colonIndex: Int, omitting omitted: Range<Int>? = nil, vectors: VectorUnit = .best,
                      into out: inout [UInt8]) {
        Self.append(atMost: raw.count, to: &out) { write(raw: raw, colonIndex: colonIndex, omitting: omitted, vectors: vectors, to: $0) }
    }

    /// Appends to `out` what `write` writes at the pointer it is given, at most `count` octets; `write` returns how many.
    private static func append(atMost count: Int, to out: inout [UInt8], _ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: count))
        let written = out.withUnsafeMutableBufferPointer { write($0.baseAddress! + start) }
        out.removeLast(count - written)
    }
}
