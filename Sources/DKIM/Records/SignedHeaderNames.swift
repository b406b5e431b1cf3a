/// The names of a signature's `h=` tag (RFC 6376 §3.5), read where they sit in the field: colon-separated, each
/// without its folding white space and in ASCII lower case. Nothing is made for them: the header hash input compares
/// them with the field names where both sit.
struct SignedHeaderNames: Sendable, Hashable {
    /// The `h=` value as written.
    let octets: ArraySlice<UInt8>

    /// The names as text (``DKIMSignature/signedHeaders``).
    var names: [String] { lowercasedItems(octets, omittingEmpty: false) }

    /// What the signature reader checks, in one pass: how many names there are, whether one is `from` (RFC 6376
    /// §6.1.1), and whether one is empty once its white space is left out (§3.5).
    func read() -> (count: Int, includesFrom: Bool, hasEmptyName: Bool) {
        octets.withUnsafeBufferPointer { octets in
            var count = 1
            var includesFrom = false
            var hasEmptyName = false
            var length = 0
            var word: UInt32 = 0  // the first four octets of the name, lower-cased (letters only), first octet highest
            func endName() {
                hasEmptyName = hasEmptyName || length == 0
                includesFrom = includesFrom || (length == 4 && word == Self.from)
                length = 0
                word = 0
            }
            for octet in octets {
                if octet == UInt8(ascii: ":") {
                    endName()
                    count += 1
                } else if !isFoldingWhiteSpace(octet) {
                    word = word << 8 | UInt32(octet.asciiLowercased)
                    length += 1
                }
            }
            endName()
            return (count, includesFrom, hasEmptyName)
        }
    }

    /// "from" as ``read()`` packs it.
    private static let from: UInt32 = 0x6672_6F6D

    /// Calls `body` with each name as written, folding white space and case as they are, and its key: the
    /// ``HeaderField/nameKey(of:)`` of the name in lower case without white space, 0 when it is not ASCII.
    func forEachName(_ body: (_ listed: UnsafeBufferPointer<UInt8>, _ key: UInt64) -> Void) {
        octets.withUnsafeBufferPointer { octets in
            var start = 0
            var key = HeaderField.emptyNameKey
            var ascii = true
            for i in octets.indices {
                let octet = octets[i]
                if octet == UInt8(ascii: ":") {
                    body(UnsafeBufferPointer(rebasing: octets[start..<i]), ascii ? key : 0)
                    start = i + 1
                    key = HeaderField.emptyNameKey
                    ascii = true
                } else if !isFoldingWhiteSpace(octet) {
                    key = HeaderField.nameKey(key, octet.asciiLowercased)
                    ascii = ascii && octet < 0x80
                }
            }
            body(UnsafeBufferPointer(rebasing: octets[start...]), ascii ? key : 0)
        }
    }
}
