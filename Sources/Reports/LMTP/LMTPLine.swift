/// One line from the client, without its line end; or a line longer than ``LMTPLimits/maximumLineLength``.
public enum LMTPLine: Sendable, Hashable {
    case line([UInt8])
    case tooLong
}

/// Splits a byte stream into lines at LF (a CR before it is dropped), refusing lines longer than the limit: their
/// octets are discarded as they arrive, so a line without an end costs no memory beyond the limit.
public struct LMTPLineFramer: Sendable {
    /// The longest line, its CRLF included.
    public let maximumLength: Int
    private var pending: [UInt8] = []
    private var discarding = false

    public init(maximumLength: Int = LMTPLimits.maximumLineLength) {
        self.maximumLength = maximumLength
    }

    /// Appends `bytes` and returns the lines they complete.
    public mutating func append(_ bytes: some Sequence<UInt8>) -> [LMTPLine] {
        var lines: [LMTPLine] = []
        for byte in bytes {
            if byte == 0x0A {
                if discarding || pending.count + 1 > maximumLength {
                    lines.append(.tooLong)
                } else {
                    if pending.last == 0x0D { pending.removeLast() }
                    lines.append(.line(pending))
                }
                pending.removeAll(keepingCapacity: true)
                discarding = false
            } else if !discarding {
                pending.append(byte)
                if pending.count >= maximumLength {
                    discarding = true
                    pending.removeAll(keepingCapacity: true)
                }
            }
        }
        return lines
    }
}
