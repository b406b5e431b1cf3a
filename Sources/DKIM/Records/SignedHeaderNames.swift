/// The names of a signature's `h=` tag (RFC 6376 §3.5), read where they sit in the field: colon-separated, each
/// without its folding white space and in ASCII lower case. Nothing is made for them until they are used; the header
/// hash input writes them on the stack.
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

    /// One name written out: where it sits in the buffer ``withNames(_:)`` lends, and its
    /// ``HeaderField/nameKey(of:)`` (0 when it is not ASCII).
    struct Name {
        let range: Range<Int>
        let key: UInt64
    }

    /// Whether two names written out by ``withNames(_:)`` are the same name, both with the key `key`: octet by octet
    /// when they are ASCII, as text when not (as the names were always compared).
    static func isSame(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, key: UInt64) -> Bool {
        key != 0 ? a.elementsEqual(b) : String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
    }

    /// Calls `body` with the names written out in lower case without white space into one buffer on the stack (at
    /// most the length of `octets`), and where each sits in it.
    func withNames<Result>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Name>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, octets.count)) { text in
            withUnsafeTemporaryAllocation(of: Name.self, capacity: read().count) { names in
                var written = 0
                var nameCount = 0
                var start = 0
                var key = HeaderField.emptyNameKey
                var ascii = true
                func endName() {
                    names.initializeElement(at: nameCount, to: Name(range: start..<written, key: ascii ? key : 0))
                    nameCount += 1
                    start = written
                    key = HeaderField.emptyNameKey
                    ascii = true
                }
                for octet in octets {
                    if octet == UInt8(ascii: ":") {
                        endName()
                    } else if !isFoldingWhiteSpace(octet) {
                        let lower = octet.asciiLowercased
                        text[written] = lower
                        written += 1
                        key = HeaderField.nameKey(key, lower)
                        ascii = ascii && octet < 0x80
                    }
                }
                endName()
                defer { names.baseAddress!.deinitialize(count: nameCount) }
                return body(UnsafeBufferPointer(rebasing: text[..<written]), UnsafeBufferPointer(rebasing: names[..<nameCount]))
            }
        }
    }
}
